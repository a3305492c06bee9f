//! rmq_sim — a deterministic simulation of Apache RocketMQ 4.9.x's reliability path.
pub mod rng;
pub mod scenario;
pub mod time;

//! The broker's storage model. The put path, flush services and replication live in
//! [`crate::sim`] as handlers, since they schedule each other through its queue.
pub mod store;

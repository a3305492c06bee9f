//! `AckMessageProcessor` and `ChangeInvisibleTimeProcessor` (broker, 5.x; spec 5 §5): the gRPC
//! consumer's answer for a popped message, through the proxy (`AckMessageActivity`,
//! `ChangeInvisibleDurationActivity`).
//!
//! An ack ends the message's checkpoint: nothing will revive it. A nack
//! (`changeInvisibleDuration` with the retry policy's backoff) writes a new checkpoint that ends
//! `backoff` from now and acks the old one: the message comes back through the retry topic after
//! the backoff and the revive lag. Either carries the receipt handle of the checkpoint the client
//! got: once the checkpoint was revived or changed (a renewal by the proxy changes it too, but
//! the proxy then hands the new handle on), the old handle no longer matches and the answer is
//! refused (`INVALID_RECEIPT_HANDLE`) — a message revived while it was being consumed is
//! delivered again even when that consumption succeeded.

use super::pop_message_processor::{PopAnswer, PopEnd};
use super::{Action, Sim};
use crate::broker::store::CopyId;
use crate::event::EventKind;
use crate::time::SimDuration;

impl Sim {
    /// The client answers for `copy` (`ProcessQueueImpl.eraseMessage`): an ack, or a nack with
    /// `backoff`. It drops the message from its cache.
    pub(crate) fn send_pop_answer(&mut self, copy: CopyId, nack: Option<SimDuration>) {
        self.pop.cached.remove(&copy);
        let Some(gen) = self.remove_receipt_handle(copy) else { return };
        self.send_pop_answer_gen(copy, gen, nack);
    }

    fn send_pop_answer_gen(&mut self, copy: CopyId, gen: u32, nack: Option<SimDuration>) {
        let cepoch = self.consumer.epoch;
        self.schedule(self.proxy_hops(), Action::PopAnswerArrive { copy, gen, nack, cepoch });
    }

    pub(super) fn on_pop_answer_arrive(&mut self, copy: CopyId, gen: u32, nack: Option<SimDuration>, cepoch: u32) {
        if !self.master.is_up() {
            if cepoch != self.consumer.epoch {
                return; // the client that would retry it died
            }
            // The RPC fails; `ackMessageLater` / `changeInvisibleDurationLater` retry every 1 s.
            self.pop.unsent.push((copy, gen, nack));
            return;
        }
        let Some(ck) = self.pop.cks.get_mut(&copy) else { return };
        if ck.gen != gen {
            return; // a stale receipt handle: refused
        }
        let msg = self.copies[copy].msg;
        let now = self.now;
        let trace = &mut self.pop.trace[ck.trace];
        trace.answer = Some((now, nack.map_or(PopAnswer::Ack, PopAnswer::Nack)));
        match nack {
            None => {
                trace.end = Some((now, PopEnd::Acked));
                self.pop.cks.remove(&copy);
                self.copies[copy].handled = true;
                self.emit(EventKind::PopAcked { msg });
            }
            Some(backoff) => {
                ck.revive_at = now + backoff;
                ck.gen += 1;
                let visible_at = ck.revive_at;
                trace.invisible_until = visible_at;
                self.emit(EventKind::InvisibleTimeChanged { msg, visible_at, renewed: false });
                self.arm_revive(copy);
            }
        }
    }

    /// The master is back: the client's retried acks and nacks reach it.
    pub(crate) fn resend_pop_answers(&mut self) {
        for (copy, gen, nack) in std::mem::take(&mut self.pop.unsent) {
            self.send_pop_answer_gen(copy, gen, nack);
        }
    }
}

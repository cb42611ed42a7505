//! The mock's record of the requests it received, bounded so a long-running mock (or a test
//! sending large bodies) does not grow without limit.

use std::collections::VecDeque;

use super::ReceivedRequest;

/// Requests kept by default (the newest).
pub(crate) const DEFAULT_MAX_REQUESTS: usize = 1_000;
/// Bytes of request bodies kept by default (the newest request is kept whatever its size).
pub(crate) const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The newest requests, within a count and a total body size; older ones are dropped, and
/// counted.
#[derive(Debug)]
pub(crate) struct Log {
    /// Each request with the operation it was routed to (`None`: no operation matched).
    entries: VecDeque<(Option<usize>, ReceivedRequest)>,
    body_bytes: usize,
    dropped: u64,
    max_requests: usize,
    max_body_bytes: usize,
}

impl Log {
    pub(crate) fn new(max_requests: usize, max_body_bytes: usize) -> Self {
        Log {
            entries: VecDeque::new(),
            body_bytes: 0,
            dropped: 0,
            max_requests: max_requests.max(1),
            max_body_bytes,
        }
    }

    /// Records a request, dropping the oldest ones beyond the limits.
    pub(crate) fn push(&mut self, operation: Option<usize>, request: ReceivedRequest) {
        self.body_bytes += request.body.len();
        self.entries.push_back((operation, request));
        while self.entries.len() > self.max_requests
            || (self.body_bytes > self.max_body_bytes && self.entries.len() > 1)
        {
            if let Some((_, old)) = self.entries.pop_front() {
                self.body_bytes -= old.body.len();
                self.dropped += 1;
            }
        }
    }

    /// The requests kept for `operation` (`None`: unmatched ones), oldest first.
    pub(crate) fn of(&self, operation: Option<usize>) -> Vec<ReceivedRequest> {
        self.entries
            .iter()
            .filter(|(op, _)| *op == operation)
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// Requests dropped to stay within the limits.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Forgets every request and the count of dropped ones.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.body_bytes = 0;
        self.dropped = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: usize) -> ReceivedRequest {
        ReceivedRequest {
            method: "GET".into(),
            path: "/".into(),
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: vec![b' '; body],
            status: 200,
        }
    }

    #[test]
    fn keeps_the_newest_within_both_limits_and_counts_the_rest() {
        let mut log = Log::new(3, 100);
        for _ in 0..5 {
            log.push(Some(1), request(10));
        }
        assert_eq!((log.of(Some(1)).len(), log.dropped()), (3, 2));
        log.push(None, request(95));
        assert_eq!(log.of(Some(1)).len(), 0, "95 + 10 > 100 bytes");
        assert_eq!(log.of(None).len(), 1);
        log.push(None, request(500));
        assert_eq!(log.of(None)[0].body.len(), 500, "the newest is always kept");
        assert_eq!(log.dropped(), 6);
    }
}

//! [`CapturedOutput`]: a writer that keeps what is written, for tests that read back what code
//! logged or printed (a `tracing` subscriber's lines, a progress display's).

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// Everything written to it (or to any of its clones), kept in memory.
#[derive(Debug, Clone, Default)]
pub struct CapturedOutput(Arc<Mutex<Vec<u8>>>);

impl CapturedOutput {
    /// What was written so far, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for CapturedOutput {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clone_writes_into_the_one_buffer() {
        let captured = CapturedOutput::default();
        let mut writer = captured.clone();
        writer.write_all(b"first ").unwrap();
        captured
            .clone()
            .write_all("ikinci satır".as_bytes())
            .unwrap();
        assert_eq!(captured.text(), "first ikinci satır");
    }
}

//! Synthetic CAMT documents (placeholder until the CAMT work lands).

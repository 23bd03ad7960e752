//! Synthetic CFONB 120 files (placeholder until the CFONB work lands).

//! The hash map of the hot paths (feature and cue lookups): foldhash with a fixed seed. Keys come
//! from our own content and models, not from an attacker growing a server-side table, so SipHash's
//! protection buys nothing but time. Only lookups depend on this hasher: nothing it computes is
//! saved or iterated into an output, so foldhash's lack of a cross-platform guarantee is harmless
//! (the saved feature hashes come from `lang::ngram_table::NgramHasher`, which stays ours because
//! it is a file format).

pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

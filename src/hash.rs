//! Position- and index-keyed random numbers: the same bits natively and in
//! wasm, and any value can be regenerated on its own (no stream to replay).
//! Hand-written: `rand`'s generators are sequential streams, and portable
//! results across 32- and 64-bit targets are what the engine needs.

/// SplitMix64 finaliser: a fast, well-mixed 64-bit hash.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) from the hash of (seed, stream, index).
pub fn unit(seed: u32, stream: u64, index: u64) -> f64 {
    let h = mix(mix(seed as u64 ^ (stream << 32)) ^ index);
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

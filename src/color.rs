//! sRGB ↔ linear-light conversion through tables built with pure-Rust maths,
//! so the native and the wasm builds round every value the same way.

/// Entries of the linear → sRGB table; fine enough that its rounding error
/// stays well under half an 8-bit step even in the darks.
const LINEAR_STEPS: usize = 1 << 14;

/// Lookup tables for the sRGB transfer curve.
pub struct Transfer {
    to_linear: [f32; 256],
    to_linear16: [u16; 256],
    /// A fixed-size array twice the steps (a power of two, the top half
    /// white): indices masked to it need no bounds check and no clamp.
    to_srgb: Box<[u8; 2 * LINEAR_STEPS]>,
}

fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        libm::powf((c + 0.055) / 1.055, 2.4)
    }
}

fn linear_to_srgb(l: f32) -> f32 {
    if l <= 0.003_130_8 {
        l * 12.92
    } else {
        1.055 * libm::powf(l, 1.0 / 2.4) - 0.055
    }
}

impl Transfer {
    /// Builds both tables (about 16 KB; done once per engine).
    pub fn new() -> Self {
        let mut to_linear = [0.0f32; 256];
        for (i, v) in to_linear.iter_mut().enumerate() {
            *v = srgb_to_linear(i as f32 / 255.0);
        }
        let mut to_linear16 = [0u16; 256];
        for (v, l) in to_linear16.iter_mut().zip(to_linear.iter()) {
            *v = (l * 65535.0 + 0.5) as u16;
        }
        let mut to_srgb = Box::new([255u8; 2 * LINEAR_STEPS]);
        for (i, v) in to_srgb[..LINEAR_STEPS].iter_mut().enumerate() {
            let l = i as f32 / (LINEAR_STEPS - 1) as f32;
            *v = (linear_to_srgb(l) * 255.0 + 0.5).clamp(0.0, 255.0) as u8;
        }
        Transfer {
            to_linear,
            to_linear16,
            to_srgb,
        }
    }

    /// Linear light of an 8-bit sRGB value.
    #[inline]
    pub fn linear(&self, v: u8) -> f32 {
        self.to_linear[v as usize]
    }

    /// Linear light of an 8-bit sRGB value in 16-bit fixed point (65535 = 1).
    #[inline]
    pub fn linear16(&self, v: u8) -> u32 {
        self.to_linear16[v as usize] as u32
    }

    /// 8-bit sRGB value of a 16-bit fixed-point linear value.
    #[inline]
    pub fn srgb16(&self, l: u32) -> u8 {
        // 65535 → index LINEAR_STEPS with rounding (LINEAR_STEPS = 2^14),
        // white like the step below it; values above 1 (never passed) read
        // white or wrap, but never outside the table.
        self.to_srgb[(((l + 2) >> 2) as usize) & (2 * LINEAR_STEPS - 1)]
    }

    /// 8-bit sRGB value of a linear-light value in 0–1.
    #[inline]
    pub fn srgb(&self, l: f32) -> u8 {
        let i = (l * (LINEAR_STEPS - 1) as f32 + 0.5) as usize;
        self.to_srgb[i.min(LINEAR_STEPS - 1)]
    }
}

impl Default for Transfer {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_exact_for_every_8_bit_value() {
        let t = Transfer::new();
        for v in 0..=255u8 {
            assert_eq!(t.srgb(t.linear(v)), v);
            assert_eq!(t.srgb16(t.linear16(v)), v);
        }
    }
}

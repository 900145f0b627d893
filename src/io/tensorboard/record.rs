//! TFRecord framing, the container of TensorBoard's event files: each record is
//!
//! ```text
//! u64 length (little-endian) · u32 masked CRC-32C of those 8 bytes · data · u32 masked CRC-32C of data
//! ```
//!
//! with the mask TensorFlow uses so that a CRC stored inside CRC'd data stays well distributed:
//! `((crc >> 15) | (crc << 17)) + 0xa282ead8` (a right rotation by 15, then a wrapping add).
//! CRC-32C (Castagnoli) comes from the `crc32c` crate.
//!
//! Non-goals: reading records back (TensorBoard does that; the unit tests decode by hand).

/// The constant TensorFlow adds to a rotated CRC.
const MASK_DELTA: u32 = 0xa282_ead8;

/// TensorFlow's masked CRC-32C of `bytes`.
pub fn masked_crc32c(bytes: &[u8]) -> u32 {
    let crc = crc32c::crc32c(bytes);
    crc.rotate_right(15).wrapping_add(MASK_DELTA)
}

/// Append one record holding `data` to `out`.
pub fn append(out: &mut Vec<u8>, data: &[u8]) {
    let length = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&length);
    out.extend_from_slice(&masked_crc32c(&length).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc32c(data).to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CRC-32C check values: "123456789" → 0xE3069283 (the catalogue's check value), and
    /// RFC 3720 appendix B.4: 32 bytes of zeros → 0x8A9136AA, of 0xFF → 0x62A8AB43, 0..=31 →
    /// 0x46DD794E.
    #[test]
    fn crc32c_test_vectors() {
        assert_eq!(crc32c::crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c::crc32c(&[0u8; 32]), 0x8A91_36AA);
        assert_eq!(crc32c::crc32c(&[0xFFu8; 32]), 0x62A8_AB43);
        let ascending: Vec<u8> = (0..32).collect();
        assert_eq!(crc32c::crc32c(&ascending), 0x46DD_794E);
    }

    /// The mask by hand: 0xE3069283 rotated right by 15 is 0x2507C60D; plus 0xa282ead8 (mod 2³²)
    /// is 0xC78AB0E5.
    #[test]
    fn masked_crc_of_the_check_string() {
        let crc: u32 = 0xE306_9283;
        assert_eq!(crc.rotate_right(15), 0x2507_C60D);
        assert_eq!(masked_crc32c(b"123456789"), 0xC78A_B0E5);
    }

    #[test]
    fn a_record_is_length_crc_data_crc() {
        let mut out = Vec::new();
        append(&mut out, b"abc");
        assert_eq!(out.len(), 8 + 4 + 3 + 4);
        assert_eq!(&out[..8], &3u64.to_le_bytes());
        assert_eq!(
            &out[8..12],
            &masked_crc32c(&3u64.to_le_bytes()).to_le_bytes()
        );
        assert_eq!(&out[12..15], b"abc");
        assert_eq!(&out[15..], &masked_crc32c(b"abc").to_le_bytes());
    }
}

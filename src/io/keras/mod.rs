//! # From the playground to Keras
//!
//! A network's weights as numpy's `.npz` ([`weights_npz`]), in the order of Keras's
//! `model.get_weights()` for the script's `Sequential` of `Dense` layers (kernel `[in, out]`, then
//! bias `[out]`, per layer), so `model.set_weights(...)` loads them as they are; and [`script`]:
//! one self-contained Python file that trains the same config in Keras 3.
//!
//! The weights are the engine's own: the network reads standardised pixels `(p/255 − 0.1307) /
//! 0.3081`, and so does the script (unlike the TensorFlow.js export, nothing is folded in).
//!
//! Non-goals: HDF5 (`.weights.h5`) and the `.keras` format, reading anything back.

pub mod script;

use crate::io::archive;
use crate::nn::network::Network;

/// One `.npy` file (format 1.0) of little-endian f32 values with the given shape (C order).
pub fn npy_f32(shape: &[usize], values: &[f32]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}");
    // Magic (6) + version (2) + header length (2) + header, padded with spaces and ended by a
    // newline to a multiple of 64 bytes, as numpy writes it.
    let unpadded = 10 + header.len() + 1;
    header.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + 4 * values.len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// The network's weights as an `.npz` archive of `arr_0.npy`, `arr_1.npy`, … — what
/// `numpy.savez(path, *model.get_weights())` writes: layer by layer, the kernel `[inputs,
/// outputs]` and then the bias `[outputs]`. Load in Python with
/// `model.set_weights([f[f"arr_{i}"] for i in range(len(f.files))])`.
pub fn weights_npz(network: &Network) -> Result<Vec<u8>, String> {
    let mut files = Vec::new();
    for layer in &network.layers {
        let (inputs, outputs) = layer.weights.dim();
        let kernel = layer
            .weights
            .as_slice()
            .ok_or("internal error: weights are not in standard layout")?;
        let bias = layer
            .biases
            .as_slice()
            .ok_or("internal error: biases are not in standard layout")?;
        let i = files.len();
        files.push((format!("arr_{i}.npy"), npy_f32(&[inputs, outputs], kernel)));
        files.push((format!("arr_{}.npy", i + 1), npy_f32(&[outputs], bias)));
    }
    archive::stored_zip(&files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;

    /// numpy's own bytes for `np.save(f, np.array([1.5, -2.0], '<f4'))`: the header
    /// `{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }` padded to 64 bytes in all.
    #[test]
    fn npy_bytes_match_numpy() {
        let b = npy_f32(&[2], &[1.5, -2.0]);
        assert_eq!(&b[..8], b"\x93NUMPY\x01\x00");
        assert_eq!(u16::from_le_bytes([b[8], b[9]]), 118);
        let header = std::str::from_utf8(&b[10..128]).unwrap();
        assert!(header.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"));
        assert!(header.ends_with(" \n"));
        assert_eq!(
            &b[128..],
            [1.5f32.to_le_bytes(), (-2.0f32).to_le_bytes()].concat()
        );
        let m = npy_f32(&[784, 128], &[]);
        assert!(std::str::from_utf8(&m[10..])
            .unwrap()
            .contains("'shape': (784, 128), }"));
        assert_eq!(m.len() % 64, 0);
    }

    #[test]
    fn npz_holds_kernel_and_bias_per_layer_in_order() {
        let net = Network::from_sizes(&[784, 16, 10], Activation::Relu, Init::Auto, 3);
        let zip = weights_npz(&net).unwrap();
        let text = String::from_utf8_lossy(&zip);
        let at = |name: &str| text.find(name).unwrap();
        assert!(at("arr_0.npy") < at("arr_1.npy") && at("arr_2.npy") < at("arr_3.npy"));
        assert!(!text.contains("arr_4.npy"));
        // The first layer's kernel bytes appear verbatim after its header.
        let kernel = npy_f32(&[784, 16], net.layers[0].weights.as_slice().unwrap());
        assert!(zip.windows(kernel.len()).any(|w| w == kernel));
    }
}

//! # The neural network: what it computes and how its gradients are found
//!
//! The multilayer perceptron ([`network`]), its allocation-free training step ([`workspace`]),
//! the hidden layers' activations ([`activation`]), softmax with cross-entropy ([`loss`]), the
//! matrix product everything runs on ([`gemm`]) and the initial weights ([`init`]).
//!
//! Non-goals: deciding what to train on or how to update weights (that is [`crate::train`]),
//! reading or writing files (that is [`crate::io`]).

pub mod activation;
pub mod gemm;
pub mod init;
pub mod loss;
pub mod network;
pub mod workspace;

//! Training the intent classifier with candle.
//!
//! The model is a linear layer over sparse features (multinomial logistic regression). A batch
//! touches only a few thousand of the (hundreds of thousands of) feature rows, so each step gathers
//! those rows into a small dense problem, lets candle compute the loss and its gradients, and applies
//! a lazy Adam update to the touched rows only. Everything is seeded: the same data gives the same
//! weights, bit for bit.

use candle_core::{DType, Device, Tensor, Var};

use super::features::SparseVec;
use crate::NluError;
use crate::rng::SplitMix64;

#[derive(Clone, Debug)]
pub struct TrainConfig {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    /// L2 penalty on the weights of the rows a batch touches.
    pub l2: f64,
    pub seed: u64,
    /// Width of a hidden ReLU layer; 0 for a linear model.
    pub hidden: usize,
    /// Dropout on the hidden layer while training.
    pub dropout: f32,
    /// Number of heads trained with different seeds and averaged.
    pub members: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self { epochs: 12, batch_size: 32, learning_rate: 0.02, l2: 1e-6, seed: 13, hidden: 0, dropout: 0.0, members: 1 }
    }
}

/// Weights of the classifier head. Linear: `scores = b1 + Σ value · w1[index]`. With a hidden layer:
/// `scores = b2 + relu(b1 + Σ value · w1[index]) · w2`.
#[derive(Clone, Debug, PartialEq)]
pub struct HeadWeights {
    pub dim: usize,
    pub classes: usize,
    /// 0 for a linear head.
    pub hidden: usize,
    /// Row-major `[dim × width]`, width = hidden or classes.
    pub w1: Vec<f32>,
    pub b1: Vec<f32>,
    /// Row-major `[hidden × classes]` (empty for a linear head).
    pub w2: Vec<f32>,
    pub b2: Vec<f32>,
}

impl HeadWeights {
    pub fn width(&self) -> usize {
        if self.hidden > 0 { self.hidden } else { self.classes }
    }

    pub fn scores(&self, x: &SparseVec) -> Vec<f32> {
        let width = self.width();
        let mut z = self.b1.clone();
        for &(i, v) in x {
            let i = i as usize;
            if i >= self.dim {
                continue;
            }
            z.iter_mut().zip(&self.w1[i * width..(i + 1) * width]).for_each(|(z, w)| *z += v * w);
        }
        if self.hidden == 0 {
            return z;
        }
        let mut s = self.b2.clone();
        for (h, zv) in z.iter().enumerate() {
            if *zv > 0.0 {
                s.iter_mut().zip(&self.w2[h * self.classes..(h + 1) * self.classes]).for_each(|(s, w)| *s += zv * w);
            }
        }
        s
    }
}

struct Adam {
    m: Vec<f32>,
    v: Vec<f32>,
    lr: f64,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f32 = 1e-8;

impl Adam {
    fn new(len: usize, lr: f64) -> Self {
        Self { m: vec![0.0; len], v: vec![0.0; len], lr }
    }

    /// One Adam step for `params[offset..offset + grads.len()]`. Rows a batch does not touch are
    /// not updated at all ("lazy" Adam), which keeps a step proportional to the batch, not the model.
    fn update(&mut self, params: &mut [f32], offset: usize, grads: &[f32], step: i32, decay: f64) {
        let c1 = 1.0 - BETA1.powi(step);
        let c2 = 1.0 - BETA2.powi(step);
        let rate = (self.lr * decay * c2.sqrt() / c1) as f32;
        let (b1, b2) = (BETA1 as f32, BETA2 as f32);
        for (k, g) in grads.iter().enumerate() {
            let j = offset + k;
            self.m[j] = b1 * self.m[j] + (1.0 - b1) * g;
            self.v[j] = b2 * self.v[j] + (1.0 - b2) * g * g;
            params[j] -= rate * self.m[j] / (self.v[j].sqrt() + EPS);
        }
    }
}

/// Trains the head on sparse features; `progress(done, total)` is called once per epoch.
pub fn train_head(
    x: &[SparseVec],
    y: &[u32],
    dim: usize,
    classes: usize,
    config: &TrainConfig,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<HeadWeights, NluError> {
    if x.is_empty() || x.len() != y.len() {
        return Err(NluError::Training("no training examples".into()));
    }
    let device = Device::Cpu;
    let mut rng = SplitMix64::new(config.seed);
    let hidden = config.hidden;
    let width = if hidden > 0 { hidden } else { classes };
    let mut head = HeadWeights {
        dim,
        classes,
        hidden,
        w1: vec![0.0; dim * width],
        b1: vec![0.0; width],
        w2: vec![0.0; hidden * classes],
        b2: if hidden > 0 { vec![0.0; classes] } else { Vec::new() },
    };
    if hidden > 0 {
        // Small seeded random start; a zero start would leave every hidden unit identical.
        let s1 = (1.0 / 64f32).sqrt();
        head.w1.iter_mut().for_each(|w| *w = (rng.unit() * 2.0 - 1.0) * s1);
        let s2 = (6.0 / (hidden + classes) as f32).sqrt();
        head.w2.iter_mut().for_each(|w| *w = (rng.unit() * 2.0 - 1.0) * s2);
    }
    let mut adam = [
        Adam::new(head.w1.len(), config.learning_rate),
        Adam::new(head.b1.len(), config.learning_rate),
        Adam::new(head.w2.len(), config.learning_rate),
        Adam::new(head.b2.len(), config.learning_rate),
    ];
    let mut order: Vec<usize> = (0..x.len()).collect();
    let mut local: Vec<u32> = vec![u32::MAX; dim];
    let mut step = 0i32;
    let total_steps = (config.epochs * x.len().div_ceil(config.batch_size.max(1))) as f64;

    for epoch in 0..config.epochs {
        rng.shuffle(&mut order);
        for batch in order.chunks(config.batch_size.max(1)) {
            step += 1;
            // Linear decay of the learning rate to zero over the run.
            let decay = 1.0 - (step - 1) as f64 / total_steps;
            // The rows this batch touches, in a stable order.
            let mut rows: Vec<u32> = batch.iter().flat_map(|&i| x[i].iter().map(|f| f.0)).collect();
            rows.sort_unstable();
            rows.dedup();
            for (k, r) in rows.iter().enumerate() {
                local[*r as usize] = k as u32;
            }
            let mut dense = vec![0f32; batch.len() * rows.len()];
            for (b, &i) in batch.iter().enumerate() {
                for &(f, v) in &x[i] {
                    dense[b * rows.len() + local[f as usize] as usize] = v;
                }
            }
            let mut w1_rows = Vec::with_capacity(rows.len() * width);
            for r in &rows {
                w1_rows.extend_from_slice(&head.w1[*r as usize * width..(*r as usize + 1) * width]);
                local[*r as usize] = u32::MAX;
            }
            let targets: Vec<u32> = batch.iter().map(|&i| y[i]).collect();
            let mask: Vec<f32> = if hidden > 0 && config.dropout > 0.0 {
                let keep = 1.0 - config.dropout;
                (0..batch.len() * hidden).map(|_| if rng.unit() < keep { 1.0 / keep } else { 0.0 }).collect()
            } else {
                Vec::new()
            };
            let batch_in = Batch { dense: &dense, rows: rows.len(), w1_rows: &w1_rows, targets: &targets, mask: &mask };
            let g = batch_gradients(&device, &head, &batch_in, config.l2)?;
            for (k, r) in rows.iter().enumerate() {
                adam[0].update(&mut head.w1, *r as usize * width, &g[0][k * width..(k + 1) * width], step, decay);
            }
            adam[1].update(&mut head.b1, 0, &g[1], step, decay);
            if hidden > 0 {
                adam[2].update(&mut head.w2, 0, &g[2], step, decay);
                adam[3].update(&mut head.b2, 0, &g[3], step, decay);
            }
        }
        progress(epoch + 1, config.epochs);
    }
    Ok(head)
}

struct Batch<'a> {
    /// `[batch × rows]` feature values.
    dense: &'a [f32],
    rows: usize,
    /// The touched rows of w1, `[rows × width]`.
    w1_rows: &'a [f32],
    targets: &'a [u32],
    /// Dropout mask for the hidden layer, `[batch × hidden]`, or empty.
    mask: &'a [f32],
}

/// Mean cross-entropy of one batch (plus L2 on the touched rows) and the gradients of
/// (w1 rows, b1, w2, b2), computed by candle.
fn batch_gradients(device: &Device, head: &HeadWeights, b: &Batch, l2: f64) -> Result<[Vec<f32>; 4], NluError> {
    let n = b.targets.len();
    let width = head.width();
    let xs = Tensor::from_slice(b.dense, (n, b.rows), device)?;
    let w1 = Var::from_tensor(&Tensor::from_slice(b.w1_rows, (b.rows, width), device)?)?;
    let b1 = Var::from_tensor(&Tensor::from_slice(&head.b1, width, device)?)?;
    let ys = Tensor::from_slice(b.targets, n, device)?;
    let z = xs.matmul(w1.as_tensor())?.broadcast_add(b1.as_tensor())?;
    let (logits, second) = if head.hidden > 0 {
        let w2 = Var::from_tensor(&Tensor::from_slice(&head.w2, (head.hidden, head.classes), device)?)?;
        let b2 = Var::from_tensor(&Tensor::from_slice(&head.b2, head.classes, device)?)?;
        let mut h = z.relu()?;
        if !b.mask.is_empty() {
            h = h.mul(&Tensor::from_slice(b.mask, (n, head.hidden), device)?)?;
        }
        let logits = h.matmul(w2.as_tensor())?.broadcast_add(b2.as_tensor())?;
        (logits, Some((w2, b2)))
    } else {
        (z, None)
    };
    let mut loss = candle_nn::loss::cross_entropy(&logits, &ys)?;
    if l2 > 0.0 {
        loss = (loss + (w1.as_tensor().sqr()?.sum_all()? * l2)?)?;
    }
    let grads = loss.backward()?;
    let grad = |t: &Tensor| -> Result<Vec<f32>, NluError> {
        let g = grads.get(t).ok_or_else(|| NluError::Training("missing gradient".into()))?;
        Ok(g.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?)
    };
    let (g_w2, g_b2) = match &second {
        Some((w2, b2)) => (grad(w2.as_tensor())?, grad(b2.as_tensor())?),
        None => (Vec::new(), Vec::new()),
    };
    Ok([grad(w1.as_tensor())?, grad(b1.as_tensor())?, g_w2, g_b2])
}

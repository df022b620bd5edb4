// PELT change-point detection (Killick, Fearnhead and Eckley 2012) with the
// L2 cost, as ruptures' Pelt(model="l2"): the segmentation of a series into
// constant-mean segments that minimises
//     Σ over segments of Σ (x − segment mean)²  +  penalty × (number of segments)
// exactly, pruning candidates that can never again be the optimal last change.
// Segment costs come from prefix sums, so each is O(1).
#pragma once
#include <cstddef>
#include <span>
#include <vector>

namespace bre {

struct PeltParams {
  double penalty = 0;        // cost of one more segment, ≥ 0; see default_pelt_penalty
  std::size_t min_size = 2;  // shortest segment, ≥ 1
  std::size_t jump = 1;      // change points only at multiples of jump, ≥ 1
};

// A run of constant mean: indices [start, end).
struct MeanSegment {
  std::size_t start = 0;
  std::size_t end = 0;
  double mean = 0;
};

struct ChangePoints {
  std::vector<std::size_t> indices;   // first index of each segment after the first
  std::vector<MeanSegment> segments;  // in order, covering the whole series
  double penalised_cost = 0;          // the minimised objective
};

// Throws INPUT_INVALID for non-finite values and a usage error for bad
// parameters. A series shorter than 2 × min_size is one segment.
ChangePoints pelt(std::span<const double> series, const PeltParams& params);

// BIC-style default: beta × σ² × ln(n), σ the difference-based robust noise
// level (difference_noise_sigma); beta = 2 counts a change as two parameters
// (its location and the new mean). Falls back to the standard deviation of
// the differences / √2 when the MAD is 0, and to 1 for a constant series.
double default_pelt_penalty(std::span<const double> series, double beta = 2.0);

// The L2 cost of the segment [start, end) of a series: Σ (x − mean)².
// Direct, for tests and callers that check a segmentation.
double l2_segment_cost(std::span<const double> series, std::size_t start, std::size_t end);

}  // namespace bre

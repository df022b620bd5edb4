// Robust location and scale for the detectors: the median, and the MAD
// scaled to estimate a Gaussian standard deviation. One outlier moves neither,
// which is why detection thresholds and default priors are built on them.
#pragma once
#include <span>

namespace bre {

// Median of the values (the mean of the two middle ones for an even count).
// Throws a usage error when empty.
double median(std::span<const double> values);

// 1.4826 × median(|x − median(x)|): the standard deviation for Gaussian data.
// Zero when more than half the values are equal.
double mad_sigma(std::span<const double> values);
// Sigma from the tail: the q-quantile of |x − median| divided by the normal
// quantile with the same two-sided coverage. Equal to the MAD's sigma on
// Gaussian data, larger on lumpy or overdispersed data whose tails the MAD
// does not see. 0 when fewer than 2 values lie above the quantile.
double tail_sigma(std::span<const double> values, double q = 0.9);

// Noise level of a series whose mean may shift: the MAD sigma of the first
// differences divided by √2 (a difference of two independent draws has twice
// the variance; a mean shift changes only one difference, which the median
// ignores). Zero for fewer than 3 values.
double difference_noise_sigma(std::span<const double> series);

// Throws INPUT_INVALID (data_invalid) naming `what` if a value is NaN or infinite.
void require_finite(std::span<const double> values, const char* what);

}  // namespace bre

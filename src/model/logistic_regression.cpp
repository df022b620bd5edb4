#include "bre/model/logistic_regression.h"

#include <cmath>

#include <fmt/format.h>

#include "bre/core/error.h"

namespace bre {

double sigmoid(double z) {
  // Two branches so neither exp can overflow.
  if (z >= 0) return 1 / (1 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1 + e);
}

Eigen::VectorXd sigmoid(const Eigen::VectorXd& z) { return z.unaryExpr([](double v) { return sigmoid(v); }); }

Eigen::VectorXd LogisticModel::decision(const Eigen::MatrixXd& x) const {
  return (x * weights).array() + intercept;
}

namespace {

// The design matrix with a leading column of ones for the intercept.
Eigen::MatrixXd with_intercept(const Eigen::MatrixXd& x) {
  Eigen::MatrixXd a(x.rows(), x.cols() + 1);
  a.col(0).setOnes();
  a.rightCols(x.cols()) = x;
  return a;
}

Eigen::VectorXd gradient_of(const Eigen::MatrixXd& a, const Eigen::VectorXd& t, double l2, const Eigen::VectorXd& beta) {
  Eigen::VectorXd g = a.transpose() * (sigmoid(a * beta) - t);
  g.tail(beta.size() - 1) += l2 * beta.tail(beta.size() - 1);
  return g;
}

}  // namespace

Eigen::VectorXd logistic_gradient(const Eigen::MatrixXd& x, const Eigen::VectorXd& targets, double l2,
                                  double intercept, const Eigen::VectorXd& weights) {
  Eigen::VectorXd beta(weights.size() + 1);
  beta << intercept, weights;
  return gradient_of(with_intercept(x), targets, l2, beta);
}

LogisticModel fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& targets, double l2, double tolerance,
                           int max_iterations) {
  if (x.rows() == 0 || x.rows() != targets.size())
    throw Error(ErrorKind::data_invalid, "INPUT_INVALID", "logistic regression: no rows, or labels do not match rows");
  const Eigen::MatrixXd a = with_intercept(x);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(a.cols());
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(a.cols(), l2);
  penalty(0) = 0;
  const auto objective = [&](const Eigen::VectorXd& b) {
    const Eigen::VectorXd z = a * b;
    double loss = 0;
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      // log(1 + e^z) − t·z, computed without overflow.
      const double softplus = z(i) > 0 ? z(i) + std::log1p(std::exp(-z(i))) : std::log1p(std::exp(z(i)));
      loss += softplus - targets(i) * z(i);
    }
    return loss + 0.5 * (penalty.array() * b.array().square()).sum();
  };
  LogisticModel m;
  for (int it = 0; it <= max_iterations; ++it) {
    const Eigen::VectorXd p = sigmoid(a * beta);
    const Eigen::VectorXd g = gradient_of(a, targets, l2, beta);
    m.gradient_norm = g.cwiseAbs().maxCoeff();
    m.iterations = it;
    if (m.gradient_norm < tolerance * static_cast<double>(x.rows())) {
      m.intercept = beta(0);
      m.weights = beta.tail(beta.size() - 1);
      return m;
    }
    const Eigen::VectorXd w = (p.array() * (1 - p.array())).matrix();
    Eigen::MatrixXd h = a.transpose() * w.asDiagonal() * a;
    // A tiny ridge on the intercept keeps H invertible when every p is 0 or 1.
    h.diagonal() += penalty + Eigen::VectorXd::Constant(a.cols(), 1e-12);
    const Eigen::VectorXd step = h.ldlt().solve(g);
    // Backtracking keeps each Newton step a descent step far from the optimum.
    const double current = objective(beta);
    double scale = 1;
    while (scale > 1e-10 && objective(beta - scale * step) > current) scale /= 2;
    beta -= scale * step;
  }
  throw Error(ErrorKind::data_invalid, "MODEL_NOT_CONVERGED",
              fmt::format("logistic regression did not converge in {} Newton steps (max |gradient| {:.3g}); "
                          "the data may be separable: increase the L2 penalty",
                          max_iterations, m.gradient_norm));
}

Eigen::VectorXd PlattScaling::apply(const Eigen::VectorXd& scores) const {
  return scores.unaryExpr([this](double s) { return apply(s); });
}

PlattScaling fit_platt(const Eigen::VectorXd& scores, const Eigen::VectorXd& labels) {
  double positives = 0;
  for (Eigen::Index i = 0; i < labels.size(); ++i) positives += labels(i) > 0.5 ? 1 : 0;
  const double negatives = static_cast<double>(labels.size()) - positives;
  const double hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2);
  const Eigen::VectorXd targets = labels.unaryExpr([&](double y) { return y > 0.5 ? hi : lo; });
  const LogisticModel m = fit_logistic(scores, targets, 0.0, 1e-9, 200);
  return {m.weights(0), m.intercept};
}

}  // namespace bre

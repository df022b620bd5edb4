// L2-regularised logistic regression fitted by Newton's method (IRLS), and
// Platt scaling, which is the same fit on one score column.
#pragma once
#include <Eigen/Dense>

namespace bre {

double sigmoid(double z);
Eigen::VectorXd sigmoid(const Eigen::VectorXd& z);

struct LogisticModel {
  double intercept = 0;
  Eigen::VectorXd weights;
  int iterations = 0;
  double gradient_norm = 0;  // max |gradient| of the objective at the returned fit
  // The log-odds intercept + x·weights, one per row.
  Eigen::VectorXd decision(const Eigen::MatrixXd& x) const;
  Eigen::VectorXd probabilities(const Eigen::MatrixXd& x) const { return sigmoid(decision(x)); }
};

// Minimises Σ log-loss + (l2 / 2)·|weights|² (the intercept is not
// penalised); targets may be fractional in [0, 1]. With l2 = 1/C this is
// scikit-learn's LogisticRegression(C). Stops when max |gradient| < tolerance
// × rows (the gradient is a sum over rows; rounding grows with it).
// Throws data_invalid when it does not converge in max_iterations.
LogisticModel fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& targets, double l2,
                           double tolerance = 1e-9, int max_iterations = 100);

// Gradient of that objective at (intercept, weights): element 0 is the intercept's.
Eigen::VectorXd logistic_gradient(const Eigen::MatrixXd& x, const Eigen::VectorXd& targets, double l2,
                                  double intercept, const Eigen::VectorXd& weights);

// p = σ(a·score + b), fitted on held-out scores by maximum likelihood with
// Platt's (1999) smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2), so separable
// scores still give a finite slope.
struct PlattScaling {
  double a = 1, b = 0;
  double apply(double score) const { return sigmoid(a * score + b); }
  Eigen::VectorXd apply(const Eigen::VectorXd& scores) const;
};
PlattScaling fit_platt(const Eigen::VectorXd& scores, const Eigen::VectorXd& labels);

}  // namespace bre

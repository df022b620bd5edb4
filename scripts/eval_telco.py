#!/usr/bin/python3
"""scikit-learn on exactly bre's Telco split, for docs/eval-telco.md.

usage: scripts/eval_telco.py TELCO_CSV SPLIT_CSV [--seed N]
  SPLIT_CSV is written by: bre eval telco TELCO_CSV --split-out SPLIT_CSV --seed N

Features mirror src/model/telco_features.cpp: the numeric columns as they are
(a blank TotalCharges, tenure 0, read as 0), Yes/No and two-level columns as
one 0/1 indicator, the rest one-hot over IBM's vocabulary, standardised with
the training rows' mean and population sd. Models: LogisticRegression(C=1)
and GradientBoostingClassifier (defaults: 100 trees of depth 3, rate 0.1),
each raw and sigmoid-calibrated with CalibratedClassifierCV(cv=5). Prints
JSON: AUROC, precision, recall and F1 at 0.5, Brier, log loss, fit seconds.
Needs Debian's python3-sklearn (numpy comes with it); never used by bre itself.
"""
import csv
import json
import sys
import time

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, f1_score, log_loss, precision_score, recall_score, roc_auc_score

INTERNET = ["No", "Yes", "No internet service"]
COLUMNS = [
    ("gender", ["Female", "Male"]), ("SeniorCitizen", ["0", "1"]), ("Partner", ["No", "Yes"]),
    ("Dependents", ["No", "Yes"]), ("tenure", None), ("PhoneService", ["No", "Yes"]),
    ("MultipleLines", ["No", "Yes", "No phone service"]), ("InternetService", ["DSL", "Fiber optic", "No"]),
    ("OnlineSecurity", INTERNET), ("OnlineBackup", INTERNET), ("DeviceProtection", INTERNET),
    ("TechSupport", INTERNET), ("StreamingTV", INTERNET), ("StreamingMovies", INTERNET),
    ("Contract", ["Month-to-month", "One year", "Two year"]), ("PaperlessBilling", ["No", "Yes"]),
    ("PaymentMethod", ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"]),
    ("MonthlyCharges", None), ("TotalCharges", None),
]


def features(row):
    out = []
    for name, levels in COLUMNS:
        value = row[name]
        if levels is None:
            out.append(0.0 if value.strip() == "" and name == "TotalCharges" and row["tenure"] == "0" else float(value))
        elif len(levels) == 2:
            out.append(float(levels.index(value)))
        else:
            out.extend(1.0 if value == level else 0.0 for level in levels)
    return out


def scores(p, y, seconds):
    predicted = (p >= 0.5).astype(int)
    return {
        "auroc": roc_auc_score(y, p),
        "precision": precision_score(y, predicted, zero_division=0),
        "recall": recall_score(y, predicted, zero_division=0),
        "f1": f1_score(y, predicted, zero_division=0),
        "brier": brier_score_loss(y, p),
        "log_loss": log_loss(y, p),
        "fit_seconds": round(seconds, 3),
    }


def main():
    args = sys.argv[1:]
    seed = 42
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    with open(args[0], newline="") as f:
        rows = list(csv.DictReader(f))
    with open(args[1], newline="") as f:
        side = {r["customerID"]: r["side"] for r in csv.DictReader(f)}
    x = np.array([features(r) for r in rows])
    y = np.array([1 if r["Churn"] == "Yes" else 0 for r in rows])
    train = np.array([side[r["customerID"]] == "train" for r in rows])
    mean, sd = x[train].mean(axis=0), x[train].std(axis=0)
    sd[sd < 1e-12] = 1
    x = (x - mean) / sd
    models = {
        "sklearn_logistic": lambda: LogisticRegression(C=1.0, tol=1e-10, max_iter=10000),
        "sklearn_gradient_boosting": lambda: GradientBoostingClassifier(random_state=seed),
    }
    out = {"train_rows": int(train.sum()), "test_rows": int((~train).sum()), "seed": seed, "models": {}}
    for name, make in models.items():
        for calibrated in (False, True):
            start = time.perf_counter()
            model = CalibratedClassifierCV(make(), method="sigmoid", cv=5) if calibrated else make()
            model.fit(x[train], y[train])
            seconds = time.perf_counter() - start
            p = model.predict_proba(x[~train])[:, 1]
            out["models"][name + ("_platt" if calibrated else "")] = scores(p, y[~train], seconds)
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

"""Turn raw click logs (CSV) into a small feature table (Parquet) for train_spark.py."""
import argparse
import csv
import math
from collections import defaultdict


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", default="/data/clicks.csv")
    parser.add_argument("--output", default="/data/features.csv")
    parser.add_argument("--min-events", type=int, default=3)
    args = parser.parse_args()

    per_user: dict[str, list[int]] = defaultdict(list)
    with open(args.input, newline="") as f:
        for row in csv.DictReader(f):
            per_user[row["user_id"]].append(int(row["clicked"]))

    kept = 0
    with open(args.output, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["user_id", "events", "ctr", "log_events", "label"])
        for user, clicks in per_user.items():
            if len(clicks) < args.min_events:
                continue
            ctr = sum(clicks) / len(clicks)
            out.writerow([user, len(clicks), f"{ctr:.4f}", f"{math.log1p(len(clicks)):.4f}", clicks[-1]])
            kept += 1
    print(f"wrote {kept} users to {args.output} (skipped {len(per_user) - kept} with < {args.min_events} events)")


if __name__ == "__main__":
    main()

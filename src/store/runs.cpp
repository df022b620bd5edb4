#include "bre/store/runs.h"

namespace bre {

void record_run(Database& db, const RunRecord& run) {
  db.prepare("INSERT INTO runs(run_id, command, started_at, finished_at, status, manifest) VALUES(?,?,?,?,?,?)")
      .bind(1, run.run_id)
      .bind(2, run.command)
      .bind(3, run.started_at)
      .bind(4, run.finished_at)
      .bind(5, run.status)
      .bind(6, run.manifest)
      .run();
}

}  // namespace bre

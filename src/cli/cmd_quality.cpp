// bre quality [BATCH_ID]: the data quality report of one batch, or a summary
// of every batch.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/time.h"
#include "command.h"
#include "quality_render.h"
#include "render.h"

namespace bre::cli {

void register_quality(Declarer& root) {
  static std::string batch_id;
  root.command(
      "quality", "data quality report(s): one batch, or all batches",
      [](Declarer& d) {
        d.positional("batch_id", &batch_id, "batch to report on (default: list all batches)", false);
        d.footer("Examples:\n  bre quality                      # one line per batch\n"
                 "  bre quality batch_20261126T...   # the full report of one batch\n"
                 "  bre quality latest --format md   # the newest batch, as Markdown");
      },
      [](Context& ctx) {
        Database& db = ctx.workspace().db();
        if (batch_id.empty()) {
          Statement s = db.prepare(
              "SELECT q.batch_id, q.source, b.started_at, b.total_records, b.rejected_records, b.events_inserted, "
              "b.events_duplicate, q.overall_quality_score FROM quality_reports q JOIN ingest_batches b USING(batch_id) "
              "ORDER BY b.started_at, q.batch_id");
          nlohmann::ordered_json rows = nlohmann::ordered_json::array();
          while (s.step())
            rows.push_back({{"batch_id", s.text(0)}, {"source", s.text(1)}, {"started_at", format_iso8601(s.int64(2))},
                            {"total_records", s.int64(3)}, {"rejected_records", s.int64(4)},
                            {"events_inserted", s.int64(5)}, {"events_duplicate", s.int64(6)},
                            {"overall_quality_score", s.real(7)}});
          ctx.emit(rows);
          return 0;
        }
        Statement s = batch_id == "latest"
                          ? db.prepare("SELECT q.report FROM quality_reports q JOIN ingest_batches b USING(batch_id) "
                                       "ORDER BY b.started_at DESC, q.batch_id DESC LIMIT 1")
                          : db.prepare("SELECT report FROM quality_reports WHERE batch_id = ?");
        if (batch_id != "latest") s.bind(1, batch_id);
        if (!s.step())
          throw Error(ErrorKind::not_found, "BATCH_NOT_FOUND", "no quality report for this batch", batch_id);
        auto report = nlohmann::ordered_json::parse(s.text_view(0));
        ctx.emit(report, [&](Format f) { return render_quality_report(report, f == Format::md); });
        return 0;
      });
}

}  // namespace bre::cli

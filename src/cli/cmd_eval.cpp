// bre eval: how good bre is on data nobody on the team wrote (docs/evaluation.md).
// Each data set declares its own subcommand from its own file (cmd_eval_*.cpp).
#include "command.h"

namespace bre::cli {

void declare_eval_nab(Declarer& d);

void register_eval(Declarer& root) {
  root.command(
      "eval", "evaluate bre on public data sets (NAB, Olist, Telco churn) and report the scores",
      [](Declarer& d) {
        d.footer("Every number in docs/evaluation.md comes from these commands; scripts/eval runs them all.");
        declare_eval_nab(d);
      },
      nullptr);
}

}  // namespace bre::cli

// bre eval: how good bre is on data nobody on the team wrote (docs/evaluation.md).
// Each data set declares its own subcommand from its own file (cmd_eval_*.cpp).
#include "command.h"

namespace bre::cli {

void declare_eval_nab(Declarer& group);
void declare_eval_olist(Declarer& group);
void declare_eval_telco(Declarer& group);

void register_eval(Declarer& root) {
  root.command(
      "eval", "evaluate bre on public data sets (NAB, Olist, Telco churn) and report the scores",
      [](Declarer& d) {
        declare_eval_nab(d);
        declare_eval_olist(d);
        declare_eval_telco(d);
        d.footer("Every number in docs/evaluation.md comes from these commands; scripts/eval runs them all.\n"
                 "man bre-eval; docs/eval-nab.md, docs/eval-olist.md, docs/eval-telco.md.");
      },
      nullptr);
}

}  // namespace bre::cli

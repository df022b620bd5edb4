// map_qbo_objects: the entry point of the QBO mapping. It splits off the
// entities QuickBooks has taken back — deleted (a CDC stub, or absent from a
// full pull) or voided (amounts zeroed, PrivateNote "Voided…") — maps the
// rest, and reports the events the taken-back entities had produced as
// retracted, so that the ingest can supersede them in the append-only log.
#include <map>
#include <set>

#include "qbo_mapping_support.h"

namespace bre {

namespace {

using EntityKey = std::pair<std::string, std::string>;  // (type, Id)

// QBO voids in place: the record stays, its amounts drop to zero and the
// PrivateNote starts with "Voided".
bool is_voided(const QboObject& o) {
  if (o.operation == QboOperation::Delete) return false;
  auto tree = qbo::parse_tree(o.payload, nullptr);
  if (!tree) return false;
  const std::string_view note = qbo::text_at(&*tree, {"PrivateNote"});
  const qbo::JNode* total = tree->get("TotalAmt");
  const bool zero = total && total->kind == qbo::JNode::Kind::number && total->text.find_first_not_of("0.") == std::string::npos;
  return note.rfind("Voided", 0) == 0 && zero;
}

// Maps objects[pick] in a scratch context and hands the results on with
// record indexes that point into `objects` again.
MapContext map_subset(const std::vector<QboObject>& objects, const std::vector<std::size_t>& pick, TimeMs as_of,
                      const MapContext& like) {
  std::vector<QboObject> subset;
  subset.reserve(pick.size());
  for (std::size_t i : pick) subset.push_back(objects[i]);
  MapContext scratch(like.ingested_at(), like.home_currency());
  qbo::Mapper(subset, as_of, scratch).run();
  for (auto& em : scratch.events()) em.record_index = pick[em.record_index];
  for (auto& r : scratch.rejections()) r.record_index = pick[r.record_index];
  return scratch;
}

}  // namespace

void map_qbo_objects(const std::vector<QboObject>& objects, TimeMs as_of, MapContext& ctx) {
  // The latest version decides whether an entity is voided; any delete stub deletes it.
  std::map<EntityKey, std::size_t> latest;
  std::set<EntityKey> gone;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const QboObject& o = objects[i];
    const EntityKey key{o.entity_type, o.id};
    if (o.operation == QboOperation::Delete) {
      gone.insert(key);
      continue;
    }
    auto [it, fresh] = latest.emplace(key, i);
    if (!fresh && qbo::sync_token_less(objects[it->second].sync_token, o.sync_token)) it->second = i;
  }
  for (const auto& [key, i] : latest)
    if (is_voided(objects[i])) gone.insert(key);

  if (gone.empty()) {
    qbo::Mapper(objects, as_of, ctx).run();
    return;
  }
  std::vector<std::size_t> live, before;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const QboObject& o = objects[i];
    const bool taken_back = gone.count({o.entity_type, o.id}) > 0;
    if (!taken_back) live.push_back(i);
    // What the entity looked like before it was taken back (its earlier
    // versions, with every other entity as it is now for settlements).
    if (o.operation != QboOperation::Delete && !(taken_back && is_voided(o))) before.push_back(i);
  }
  MapContext now = map_subset(objects, live, as_of, ctx);
  for (auto& em : now.events()) ctx.emit(std::move(em.event), em.record_index);
  for (auto& r : now.rejections()) ctx.reject(r.record_index, std::move(r.field), std::move(r.reason));
  for (auto& e : now.entities()) ctx.entity(std::move(e));

  MapContext then = map_subset(objects, before, as_of, ctx);
  for (const auto& em : then.events()) {
    const QboObject& o = objects[em.record_index];
    if (gone.count({o.entity_type, o.id})) ctx.retract(em.event.event_id);
  }
}

}  // namespace bre

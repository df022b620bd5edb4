// `bre seed`: the reference lists (customers, vendors, items) and the final
// id assignment. See docs/seed.md.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "seed_model.h"

namespace bre::seed {

namespace {

constexpr const char* kFirst[] = {"Avery", "Blake", "Camila", "Dmitri", "Elena", "Farah", "Gideon", "Hana", "Isaac",
                                  "Jonah", "Keiko", "Liam", "Marisol", "Nadia", "Owen", "Priya", "Quinn", "Rosa",
                                  "Samir", "Tessa"};
constexpr const char* kLast[] = {"Abbott", "Brennan", "Castillo", "Dawson", "Eklund", "Fischer", "Garza", "Holloway",
                                 "Iverson", "Jaramillo", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor",
                                 "Pereira", "Quigley", "Ramsey", "Sato", "Thornton", "Ulrich", "Vasquez", "Whitaker",
                                 "Yilmaz", "Zielinski"};
constexpr const char* kAdj[] = {"Amber", "Birch", "Cobalt", "Driftwood", "Evergreen", "Foxglove", "Granite", "Harbor",
                                "Ironwood", "Juniper", "Kestrel", "Lakeside", "Maple", "Northwind", "Oakridge",
                                "Pinecrest"};
constexpr const char* kNoun[] = {"Bakery", "Dental Group", "Property Management", "Veterinary Clinic", "Cafe",
                                 "Fitness Studio", "Law Office", "Apartments", "Brewing Co", "Montessori School"};
constexpr const char* kVendorWord[] = {"Copperline", "Northgate", "Bluestem", "Cascade", "Redtail", "Silverleaf",
                                       "Westmark", "Stonebridge", "Tidewater", "Highland", "Ridgeway", "Summit"};
constexpr const char* kSupplierKind[] = {"Irrigation Supply", "Garden Wholesale", "Lighting Distributors",
                                         "Nursery", "Hardware Supply", "Outdoor Goods"};

struct ServiceKind {
  const char* name;
  const char* account_id;
  const char* account;
};
constexpr ServiceKind kServices[] = {
    {"Fleet Services", "61", "Vehicle Expenses"},     {"Fuel Co", "62", "Fuel"},
    {"Insurance Agency", "63", "Insurance"},          {"Software", "64", "Software Subscriptions"},
    {"Marketing", "65", "Advertising & Marketing"},   {"Accounting", "66", "Professional Fees"},
    {"Utilities", "67", "Utilities"},                 {"Properties", "68", "Rent or Lease"},
    {"Equipment Rental", "69", "Equipment Rental"},   {"Freight", "58", "Shipping and Delivery"},
};

std::string slug(const std::string& name) {
  std::string s;
  for (char ch : name)
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) s += ch;
    else if (ch >= 'A' && ch <= 'Z') s += static_cast<char>(ch - 'A' + 'a');
  return s;
}

}  // namespace

void build_reference(Company& c, Rng& rng) {
  // Items: services, non-inventory materials, and four stocked products.
  struct ItemSpec {
    const char* name;
    const char* description;
    const char* type;
    Cents price, cost;
  };
  const ItemSpec specs[] = {
      {"Installation Labor", "Installation labor, per hour", "Service", 9500, 0},
      {"Design Consultation", "On-site design consultation", "Service", 15000, 0},
      {"Maintenance Visit", "Scheduled maintenance visit", "Service", 12000, 0},
      {"Seasonal Cleanup", "Spring or autumn cleanup", "Service", 24000, 0},
      {"Delivery Fee", "Local delivery", "NonInventory", 3500, 1200},
      {"Mulch (cu yd)", "Hardwood mulch, per cubic yard", "NonInventory", 4250, 2400},
      {"Drip Emitter Kit", "12-emitter drip kit", "Inventory", 1875, 980},
      {"Cedar Planter Box", "Cedar planter box, 4 ft", "Inventory", 6400, 3100},
      {"Garden Hose 50 ft", "Reinforced garden hose, 50 ft", "Inventory", 2950, 1320},
      {"Solar Path Light", "Solar path light, 6-pack", "Inventory", 2200, 950},
  };
  int n = 0;
  for (const ItemSpec& s : specs) {
    Item it;
    it.id = std::to_string(10 + n);
    it.name = s.name;
    it.description = s.description;
    it.type = s.type;
    it.price = s.price;
    it.cost = s.cost;
    const bool service = it.type == std::string("Service");
    it.account_id = service ? "79" : "82";
    it.account = service ? "Services Income" : "Materials Income";
    if (it.type == std::string("Inventory")) {
      it.sku = fmt::format("SKU-{:04}", 1000 + n);
      it.reorder_point = static_cast<int>(rng.integer(10, 30));
      // Every other stocked item ends the period at or below its reorder point.
      it.qty_on_hand = n % 2 == 0 ? static_cast<int>(rng.integer(0, it.reorder_point))
                                  : static_cast<int>(rng.integer(it.reorder_point + 5, it.reorder_point + 80));
      it.vendor = n % 4;
    }
    c.items.push_back(std::move(it));
    ++n;
  }

  // Vendors: the first twelve ship goods (vendor 0 is the main supplier), the rest sell services.
  const int vendors = std::max(12, c.options.vendors);
  for (int i = 0; i < vendors; ++i) {
    Vendor v;
    v.id = std::to_string(500 + i);
    v.created_day = c.start - rng.integer(30, 700);
    v.supplier = i < 12;
    if (v.supplier) {
      v.name = fmt::format("{} {}", kVendorWord[i % 12], kSupplierKind[i % 6]);
      v.account_id = "80";
      v.account = "Cost of Goods Sold";
      v.weight = i == 0 ? 6.0 : rng.lognormal(1.0, 0.6);
      // Most suppliers are reliable; a few are not.
      v.reliability = i % 5 == 3 ? rng.uniform(0.60, 0.78) : rng.uniform(0.90, 0.99);
    } else {
      const ServiceKind& k = kServices[(i - 12) % 10];
      v.name = fmt::format("{} {}{}", kVendorWord[(i * 7) % 12], k.name, i >= 22 ? fmt::format(" {}", i - 21) : "");
      v.account_id = k.account_id;
      v.account = k.account;
      v.weight = rng.lognormal(0.5, 0.7);
      v.reliability = rng.uniform(0.85, 0.99);
    }
    v.email = "billing@" + slug(v.name) + ".example";
    v.terms = rng.chance(0.7) ? 30 : 15;
    c.vendors.push_back(std::move(v));
  }

  // Customers: half already there when the period starts, the rest join over it.
  const int customers = std::max(20, static_cast<int>(c.options.customers * c.scale + 0.5));
  const double churn_p = std::min(0.5, 0.012 * c.options.days / 30.0);
  for (int i = 0; i < customers; ++i) {
    Customer cu;
    cu.id = std::to_string(1000 + i);
    const int k = i % 500;
    if (i % 4 == 0) {
      cu.company = fmt::format("{} {}", kAdj[(k / 4) % 16], kNoun[(k / 64) % 10]);
      cu.name = cu.company;
    } else {
      cu.name = fmt::format("{} {}", kFirst[k % 20], kLast[(k / 20) % 25]);
    }
    if (i >= 500) cu.name += fmt::format(" ({})", i / 500 + 1);
    cu.email = slug(cu.name) + "@mail.example";
    cu.created_day = rng.chance(0.55) ? c.start - rng.integer(1, 365) : c.start + rng.integer(0, std::max(0, c.options.days - 30));
    cu.created_second = static_cast<int>(rng.integer(8 * 3600, 17 * 3600));
    cu.terms = rng.chance(0.7) ? 30 : 15;
    const double u = rng.uniform();
    cu.profile = u < 0.72 ? 0 : u < 0.92 ? 1 : 2;
    cu.weight = rng.lognormal(1.0, 0.8);
    if (rng.chance(churn_p)) {
      const std::int64_t from = std::max(cu.created_day + 30, c.start + 14);
      if (from < c.end) cu.churn_day = rng.integer(from, c.end);
    }
    c.customers.push_back(std::move(cu));
  }
}

void assign_ids(Company& c) {
  std::vector<std::size_t> order(c.txns.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Txn &x = c.txns[a], &y = c.txns[b];
    if (x.late_id != y.late_id) return y.late_id;
    return x.day != y.day ? x.day < y.day : x.second < y.second;
  });
  int next = 2001;
  for (std::size_t i : order) c.txns[i].id = std::to_string(next++);
}

}  // namespace bre::seed

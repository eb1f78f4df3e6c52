#include "member_planner.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

namespace rollcall::index::detail {
namespace {

using filter::CompareOp;
using filter::Expr;
using filter::ExprKind;
using filter::Operand;
using Kind = AccessPath::Kind;

template <class Index, class Lower, class Upper>
std::uint64_t count_between(const Index& index, const Lower& lower, const Upper& upper) {
  return index.rank(upper) - index.rank(lower);
}

// `path`'s candidates: the entries of `index` from `lower` to `upper`, keys or
// prefixes of keys.
template <class Index, class Lower, class Upper>
void set_range(AccessPath& path, const Index& index, const Lower& lower, const Upper& upper) {
  path.first = index.lower_bound(lower);
  path.last = index.upper_bound(upper);
  path.estimate = count_between(index, path.first, path.last);
}

// The smallest string greater than every string starting with `prefix`, or
// nullopt when there is none (all bytes 0xFF).
std::optional<std::string> prefix_successor(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

// 'abc%' (no other wildcard): the literal prefix, unescaped.
std::optional<std::string> like_prefix(std::string_view pattern) {
  if (pattern.size() < 2 || pattern.back() != '%') return std::nullopt;
  std::string prefix;
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] == '%' || pattern[i] == '_') return std::nullopt;
    if (pattern[i] == '\\') ++i;
    if (i + 1 >= pattern.size()) return std::nullopt;  // the final '%' was escaped
    prefix.push_back(pattern[i]);
  }
  return prefix;
}

class Planner {
 public:
  Planner(const filter::Schema& schema, const Uuid& organization, const MemberSet& members,
          const Inverted& inverted)
      : schema_(schema), org_(organization), members_(members), inverted_(inverted) {}

  AccessPath plan(const Expr& expr) {
    if (expr.kind == ExprKind::kTrue) return scan(true);
    std::vector<const Expr*> conjuncts;
    bool other_organization = false;
    const auto add = [&](const Expr& c) {
      // The organization is the list's scope: naming it again narrows nothing.
      if (c.kind == ExprKind::kCompare && c.op == CompareOp::kEq && literal(c) &&
          is(c.lhs, "OrganizationID")) {
        other_organization = other_organization || std::get<Uuid>(c.rhs.literal) != org_;
        return;
      }
      conjuncts.push_back(&c);
    };
    if (expr.kind == ExprKind::kAnd) {
      for (const Expr& child : expr.children) add(child);
    } else {
      add(expr);
    }
    if (other_organization) return ids({});
    if (conjuncts.empty()) return scan(true);
    std::vector<AccessPath> paths;
    if (auto range = created_range(conjuncts)) paths.push_back(std::move(*range));
    for (const Expr* conjunct : conjuncts) {
      if (auto path = sargable(*conjunct)) {
        path->exact = path->exact && conjuncts.size() == 1;
        paths.push_back(std::move(*path));
      }
    }
    // Another path in created order visits a part of what a scan would, in
    // the same order: a scan is no candidate then (and not worth counting).
    // Nor is it beside a path of at most a page of candidates, which choose()
    // takes over any scan.
    const auto ordered = [](const AccessPath& path) { return path.in_created_order(); };
    const auto within_a_page = [&](const AccessPath& path) {
      return path.estimate <= std::max<std::size_t>(page_, 1);
    };
    if (std::none_of(paths.begin(), paths.end(), ordered) &&
        std::none_of(paths.begin(), paths.end(), within_a_page)) {
      paths.insert(paths.begin(), scan(false));  // first: the choice when estimates tie
    }
    return choose(std::move(paths));
  }

  void set_goal(std::size_t page) { page_ = page; }

 private:
  // The path visiting the fewest records. With a page to fill in (CreatedAt,
  // ID) order, an unordered path must visit all its candidates and sort them,
  // while an ordered one stops once the page is full: about page / selectivity
  // records, taking the best estimate as the number of matches.
  AccessPath choose(std::vector<AccessPath> paths) const {
    const auto fewest = [](const AccessPath& a, const AccessPath& b) {
      return a.estimate < b.estimate;
    };
    auto best = std::min_element(paths.begin(), paths.end(), fewest);
    if (page_ == 0 || best->in_created_order()) return std::move(*best);
    auto ordered = std::min_element(paths.begin(), paths.end(), [&](const auto& a, const auto& b) {
      return a.in_created_order() && (!b.in_created_order() || a.estimate < b.estimate);
    });
    if (!ordered->in_created_order()) return std::move(*best);
    const double matches = std::max<double>(1, static_cast<double>(best->estimate));
    const double stream_cost = std::min<double>(
        static_cast<double>(ordered->estimate),
        static_cast<double>(page_) * static_cast<double>(ordered->estimate) / matches);
    return stream_cost < static_cast<double>(best->estimate) ? std::move(*ordered)
                                                             : std::move(*best);
  }

 private:
  const std::string& name(const Operand& operand) const {
    return schema_.attributes()[operand.attribute].name;
  }

  bool is(const Operand& operand, std::string_view attribute) const {
    return operand.kind == Operand::Kind::kAttribute && name(operand) == attribute;
  }

  static bool literal(const Expr& expr) { return expr.rhs.kind == Operand::Kind::kLiteral; }

  AccessPath scan(bool exact) const {
    AccessPath path;
    path.exact = exact;
    set_range(path, members_.by_created(), std::tie(org_), std::tie(org_));
    return path;
  }

  // All CreatedAt comparisons with literals, intersected into one range.
  std::optional<AccessPath> created_range(const std::vector<const Expr*>& conjuncts) {
    AccessPath path;
    path.kind = Kind::kCreatedRange;
    std::size_t covered = 0;
    for (const Expr* c : conjuncts) {
      if (c->kind != ExprKind::kCompare || !is(c->lhs, "CreatedAt") || !literal(*c)) continue;
      const std::int64_t t = std::get<Timestamp>(c->rhs.literal).micros;
      switch (c->op) {
        case CompareOp::kEq:
          path.from.micros = std::max(path.from.micros, t);
          path.to.micros = std::min(path.to.micros, t);
          break;
        case CompareOp::kGt:
          path.from.micros = std::max(path.from.micros, t + 1);
          break;
        case CompareOp::kGe:
          path.from.micros = std::max(path.from.micros, t);
          break;
        case CompareOp::kLt:
          path.to.micros = std::min(path.to.micros, t - 1);
          break;
        case CompareOp::kLe:
          path.to.micros = std::min(path.to.micros, t);
          break;
        case CompareOp::kNe:
          continue;
      }
      ++covered;
    }
    if (covered == 0) return std::nullopt;
    path.exact = covered == conjuncts.size();
    const auto& index = members_.by_created();
    if (path.from > path.to) {
      path.first = path.last = index.end();
    } else {
      set_range(path, index, std::tie(org_, path.from), std::tie(org_, path.to));
    }
    return path;
  }

  std::optional<AccessPath> sargable(const Expr& c) {
    switch (c.kind) {
      case ExprKind::kCompare:
        if (c.op == CompareOp::kEq && literal(c)) return equality(c.lhs, c.rhs.literal);
        if (literal(c) && is(c.lhs, "Username")) return username_compare(c);
        return std::nullopt;
      case ExprKind::kIn: {
        if (c.negated) return std::nullopt;
        std::vector<AccessPath> parts;
        for (const filter::Value& value : c.values) {
          auto part = equality(c.lhs, value);
          if (!part) return std::nullopt;
          parts.push_back(std::move(*part));
        }
        return union_of(std::move(parts));
      }
      case ExprKind::kLike: {
        if (c.negated || c.case_insensitive || !is(c.lhs, "Username")) return std::nullopt;
        auto prefix = like_prefix(std::get<std::string>(c.rhs.literal));
        if (!prefix) return std::nullopt;
        return username_range(*prefix, {}, true);
      }
      case ExprKind::kHas:
        return has(c);
      case ExprKind::kOr: {
        std::vector<AccessPath> parts;
        for (const Expr& child : c.children) {
          auto part = sargable(child);
          if (!part) return std::nullopt;
          parts.push_back(std::move(*part));
        }
        return union_of(std::move(parts));
      }
      default:
        return std::nullopt;
    }
  }

  std::optional<AccessPath> equality(const Operand& lhs, const filter::Value& value) {
    if (is(lhs, "Role")) return role(std::get<std::string>(value));
    if (is(lhs, "Username")) {
      const auto& text = std::get<std::string>(value);
      return username_range(text, text, false);
    }
    if (is(lhs, "OrganizationMemberID")) return ids({std::get<Uuid>(value)});
    if (lhs.kind == Operand::Kind::kMapEntry && name(lhs) == "Labels") {
      const std::string entry = label_entry(lhs.key, std::get<std::string>(value));
      return postings(inverted_.by_label, entry,
                      "Labels." + lhs.key + " = '" + std::get<std::string>(value) + "'");
    }
    return std::nullopt;
  }

  AccessPath role(const std::string& role) {
    AccessPath path;
    path.kind = Kind::kRole;
    path.role = role;
    path.exact = true;
    set_range(path, members_.by_role(), std::tie(org_, role), std::tie(org_, role));
    return path;
  }

  AccessPath username_range(const std::string& low, const std::optional<std::string>& high,
                            bool prefix) {
    AccessPath path;
    path.kind = Kind::kUsernameRange;
    path.low = low;
    path.prefix = prefix;
    path.exact = true;
    const auto& index = members_.by_username();
    path.first = index.lower_bound(std::tie(org_, low));
    if (!prefix && high && *high == low) {
      path.last = index.upper_bound_after(path.first, std::tie(org_, low));
    } else if (!prefix && high) {
      path.last = index.upper_bound(std::tie(org_, *high));
    } else if (auto next = prefix ? prefix_successor(low) : std::nullopt) {
      path.last = index.lower_bound(std::tie(org_, *next));
    } else {
      path.last = index.upper_bound(std::tie(org_));
    }
    path.estimate = count_between(index, path.first, path.last);
    return path;
  }

  std::optional<AccessPath> username_compare(const Expr& c) {
    const auto& text = std::get<std::string>(c.rhs.literal);
    switch (c.op) {
      case CompareOp::kGe:
        return username_range(text, std::nullopt, false);
      case CompareOp::kLt: {
        AccessPath path = username_range(std::string(), text, false);
        path.exact = false;  // the range includes `text` itself; the residual drops it
        return path;
      }
      case CompareOp::kLe:
        return username_range(std::string(), text, false);
      default:
        return std::nullopt;
    }
  }

  static AccessPath ids(std::vector<Uuid> wanted) {
    AccessPath path;
    path.kind = Kind::kIds;
    path.exact = wanted.empty();
    path.estimate = wanted.size();
    path.ids = std::move(wanted);
    return path;
  }

  template <class Map>
  AccessPath postings(const Map& map, const typename Map::key_type& key, std::string name) {
    AccessPath path;
    path.kind = Kind::kPostings;
    path.exact = true;
    path.postings_name = std::move(name);
    static const PostingList kEmpty;
    const auto found = map.find(key);
    path.postings = found == map.end() ? &kEmpty : &found->second;
    set_range(path, *path.postings, std::tie(org_), std::tie(org_));
    return path;
  }

  std::optional<AccessPath> has(const Expr& c) {
    if (is(c.lhs, "RoleIDs")) {
      const Uuid& id = std::get<Uuid>(c.rhs.literal);
      return postings(inverted_.by_role_id, id, "RoleIDs ? '" + id.to_string() + "'");
    }
    if (is(c.lhs, "Labels")) {
      const auto& key = std::get<std::string>(c.rhs.literal);
      return postings(inverted_.by_label_key, key, "Labels ? '" + key + "'");
    }
    return std::nullopt;
  }

  static AccessPath union_of(std::vector<AccessPath> parts) {
    if (parts.size() == 1) return std::move(parts.front());
    AccessPath path;
    path.kind = Kind::kUnion;
    path.exact = true;
    for (const AccessPath& part : parts) {
      path.estimate += part.estimate;
      path.exact = path.exact && part.exact;
    }
    path.parts = std::move(parts);
    return path;
  }

  const filter::Schema& schema_;
  const Uuid& org_;
  const MemberSet& members_;
  const Inverted& inverted_;
  std::size_t page_ = 0;
};

}  // namespace

AccessPath plan_access(const filter::Expr& expr, const filter::Schema& schema,
                       const Uuid& organization, const MemberSet& members, const Inverted& inverted,
                       std::size_t page_in_created_order) {
  Planner planner(schema, organization, members, inverted);
  planner.set_goal(page_in_created_order);
  return planner.plan(expr);
}

std::string AccessPath::describe() const {
  std::string out;
  switch (kind) {
    case Kind::kScan:
      out = "scan (OrganizationID, CreatedAt, ID)";
      break;
    case Kind::kCreatedRange:
      out = "range (OrganizationID, CreatedAt, ID) from " + from.to_string() + " to " +
            to.to_string();
      break;
    case Kind::kRole:
      out = "index (OrganizationID, Role, CreatedAt, ID) Role = '" + role + "'";
      break;
    case Kind::kPostings:
      out = "inverted index " + postings_name;
      break;
    case Kind::kUsernameRange:
      out = prefix ? "index (OrganizationID, Username, ID) prefix '" + low + "'"
                   : "index (OrganizationID, Username, ID) range";
      break;
    case Kind::kIds:
      out = "lookup by OrganizationMemberID";
      break;
    case Kind::kUnion:
      out = "union of (";
      for (std::size_t i = 0; i < parts.size(); ++i) {
        out += (i == 0 ? "" : "; ") + parts[i].describe();
      }
      out += ")";
      break;
  }
  out.append(", ~").append(std::to_string(estimate)).append(" candidates");
  return out + (exact ? ", exact" : "");
}

}  // namespace rollcall::index::detail

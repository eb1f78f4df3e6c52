#include "parse.hpp"

#include <string>
#include <utility>
#include <vector>

#include "rollcall/grammar/where_errors.hpp"
#include "rollcall/grammar/where_grammar.hpp"

namespace rollcall::filter::detail {
namespace {

namespace g = rollcall::grammar;
namespace pegtl = tao::pegtl;
using syntax::Literal;
using syntax::Node;
using syntax::Operand;
using syntax::Span;
using syntax::TermOp;

// Thrown inside the parse only; parse_where turns it into an Error value.
struct LimitError {
  std::string what;
  std::size_t offset;
};

struct ParseState {
  ParseState(std::string_view text_in, const Limits& limits_in)
      : text(text_in), limits(limits_in) {}

  std::string_view text;
  const Limits& limits;
  std::size_t depth = 0;
  std::size_t max_depth = 0;
  std::size_t terms = 0;
  std::vector<std::unique_ptr<Node>> nodes;
  Node term;  // the term being assembled
  int operands_in_term = 0;
  Literal literal;
  std::size_t string_begin = 0;  // the opening quote of the last string literal

  template <class Input>
  Span span(const Input& in) const {
    const auto begin = static_cast<std::uint32_t>(in.begin() - text.data());
    return {begin, static_cast<std::uint32_t>(begin + in.size())};
  }

  std::unique_ptr<Node> pop() {
    auto node = std::move(nodes.back());
    nodes.pop_back();
    return node;
  }

  void wrap(Node::Kind kind, Span span, bool truth = true, bool negated = false) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->truth = truth;
    node->negated = negated;
    node->span = {span.begin, nodes.back()->span.end};
    node->children.push_back(pop());
    nodes.push_back(std::move(node));
  }

  // A chain `a OR b OR c ...` stays one flat node: a tree as deep as the chain
  // is long would make every later pass recurse once per term.
  void combine(Node::Kind kind) {
    auto right = pop();
    if (nodes.back()->kind != kind) {
      auto node = std::make_unique<Node>();
      node->kind = kind;
      node->span = nodes.back()->span;
      node->children.push_back(pop());
      nodes.push_back(std::move(node));
    }
    Node& chain = *nodes.back();
    chain.span.end = right->span.end;
    chain.children.push_back(std::move(right));
  }
};

template <class Rule>
struct action : pegtl::nothing<Rule> {};

// Nesting depth: counted on entry to '(' and NOT, so deep input stops before
// it can exhaust the stack. Only where `Opener` ('(' or NOT) is next: trying
// the rule at a plain term enters no level.
template <class Opener>
struct depth_limited : pegtl::maybe_nothing {
  template <class Rule, pegtl::apply_mode A, pegtl::rewind_mode M, template <class...> class Action,
            template <class...> class Control, class Input>
  static bool match(Input& in, ParseState& state) {
    if (!pegtl::match<pegtl::at<Opener>, A, M, Action, Control>(in, state)) return false;
    if (++state.depth > state.max_depth) {
      throw LimitError{"nesting deeper than the limit of " + std::to_string(state.max_depth) +
                           " (parentheses and NOTs)",
                       static_cast<std::size_t>(in.current() - state.text.data())};
    }
    const bool matched = pegtl::match<Rule, A, M, Action, Control>(in, state);
    --state.depth;
    return matched;
  }
};
template <>
struct action<g::parenthesized> : depth_limited<g::paren_open> {};

template <>
struct action<g::negation> : depth_limited<g::kw_not> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    state.wrap(Node::Kind::kNot, state.span(in));
  }
};

template <>
struct action<g::string_body> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    state.string_begin = state.span(in).begin - 1;
  }
};

template <>
struct action<g::string_literal> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    const std::string_view quoted(in.begin(), in.size());
    std::string text;
    text.reserve(quoted.size());
    for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
      text.push_back(quoted[i]);
      if (quoted[i] == '\'') ++i;  // '' stands for one quote
    }
    state.literal = Literal{Literal::Kind::kString, std::move(text), false, state.span(in)};
  }
};

template <>
struct action<g::integer> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    state.literal = Literal{Literal::Kind::kInteger, in.string(), false, state.span(in)};
  }
};

template <>
struct action<g::kw_true> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    state.literal = Literal{Literal::Kind::kBoolean, in.string(), true, state.span(in)};
  }
};

template <>
struct action<g::kw_false> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    state.literal = Literal{Literal::Kind::kBoolean, in.string(), false, state.span(in)};
  }
};

void push_operand(ParseState& state, Operand operand) {
  (state.operands_in_term++ == 0 ? state.term.lhs : state.term.rhs) = std::move(operand);
}

template <>
struct action<g::operand_literal> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    Operand operand;
    operand.kind = Operand::Kind::kLiteral;
    operand.literal = std::move(state.literal);
    operand.span = state.span(in);
    push_operand(state, std::move(operand));
  }
};

template <>
struct action<g::like_pattern> : action<g::operand_literal> {};

template <>
struct action<g::list_literal> {
  template <class Input>
  static void apply(const Input& /*in*/, ParseState& state) {
    state.term.list.push_back(std::move(state.literal));
  }
};

template <>
struct action<g::attribute_operand> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    const std::string_view text(in.begin(), in.size());
    const auto dot = text.find('.');
    Operand operand;
    operand.span = state.span(in);
    operand.name = std::string(text.substr(0, dot));
    operand.name_span = {operand.span.begin,
                         static_cast<std::uint32_t>(operand.span.begin + operand.name.size())};
    if (dot != std::string_view::npos) {
      operand.kind = Operand::Kind::kMapEntry;
      operand.key = std::string(text.substr(dot + 1));
    }
    push_operand(state, std::move(operand));
  }
};

template <>
struct action<g::len_operand> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    const std::string_view text(in.begin(), in.size());
    const auto open = text.find('(');
    auto begin = text.find_first_not_of(" \t\r\n", open + 1);
    auto end = text.find_last_not_of(" \t\r\n)") + 1;
    Operand operand;
    operand.kind = Operand::Kind::kLength;
    operand.span = state.span(in);
    operand.name = std::string(text.substr(begin, end - begin));
    operand.name_span = {static_cast<std::uint32_t>(operand.span.begin + begin),
                         static_cast<std::uint32_t>(operand.span.begin + end)};
    push_operand(state, std::move(operand));
  }
};

TermOp to_term_op(std::string_view op) {
  static constexpr std::pair<std::string_view, TermOp> kOps[] = {
      {"=", TermOp::kEq},      {"!=", TermOp::kNe},         {"<>", TermOp::kNe},
      {"<", TermOp::kLt},      {"<=", TermOp::kLe},         {">", TermOp::kGt},
      {">=", TermOp::kGe},     {"~~", TermOp::kLike},       {"!~~", TermOp::kNotLike},
      {"~~*", TermOp::kILike}, {"!~~*", TermOp::kNotILike}, {"~", TermOp::kMatch},
      {"~*", TermOp::kIMatch}, {"!~", TermOp::kNotMatch},   {"!~*", TermOp::kNotIMatch},
  };
  for (const auto& [text, term_op] : kOps) {
    if (text == op) return term_op;
  }
  return TermOp::kBare;  // unreachable: the grammar only matches the operators above
}

template <TermOp Op>
struct set_op {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    state.term.op = Op;
    state.term.op_span = state.span(in);
  }
};

template <>
struct action<g::cmp_op> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    state.term.op = to_term_op(std::string_view(in.begin(), in.size()));
    state.term.op_span = state.span(in);
  }
};
template <>
struct action<g::kw_in> : set_op<TermOp::kIn> {};
template <>
struct action<g::kw_like> : set_op<TermOp::kLike> {};
template <>
struct action<g::kw_ilike> : set_op<TermOp::kILike> {};
template <>
struct action<g::is_null_tail> : set_op<TermOp::kIsNull> {};
template <>
struct action<g::is_not_null_tail> : set_op<TermOp::kIsNotNull> {};
template <>
struct action<g::has_op> : set_op<TermOp::kHas> {};

template <>
struct action<g::not_tail> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    switch (state.term.op) {
      case TermOp::kIn:
        state.term.op = TermOp::kNotIn;
        break;
      case TermOp::kLike:
        state.term.op = TermOp::kNotLike;
        break;
      case TermOp::kILike:
        state.term.op = TermOp::kNotILike;
        break;
      default:
        break;
    }
    state.term.op_span.begin = state.span(in).begin;
  }
};

template <>
struct action<g::term> {
  template <class Input>
  static void apply(const Input& in, ParseState& state) {
    if (++state.terms > state.limits.max_terms) {
      throw LimitError{"more terms than the limit of " + std::to_string(state.limits.max_terms),
                       static_cast<std::size_t>(in.begin() - state.text.data())};
    }
    auto node = std::make_unique<Node>(std::move(state.term));
    node->kind = Node::Kind::kTerm;
    node->span = state.span(in);
    state.term = Node{};
    state.operands_in_term = 0;
    state.nodes.push_back(std::move(node));
  }
};

template <bool Truth, bool Negated>
struct wrap_truth {
  template <class Input>
  static void apply(const Input& /*in*/, ParseState& state) {
    state.wrap(Node::Kind::kTruthTest, state.nodes.back()->span, Truth, Negated);
  }
};
template <>
struct action<g::is_true> : wrap_truth<true, false> {};
template <>
struct action<g::is_false> : wrap_truth<false, false> {};
template <>
struct action<g::is_not_true> : wrap_truth<true, true> {};
template <>
struct action<g::is_not_false> : wrap_truth<false, true> {};

template <>
struct action<g::and_rest> {
  template <class Input>
  static void apply(const Input& /*in*/, ParseState& state) {
    state.combine(Node::Kind::kAnd);
  }
};

template <>
struct action<g::or_rest> {
  template <class Input>
  static void apply(const Input& /*in*/, ParseState& state) {
    state.combine(Node::Kind::kOr);
  }
};

template <class Rule>
using control = pegtl::must_if<g::where_errors>::control<Rule>;

Error syntax_error(std::string_view text, std::size_t offset, std::string what) {
  Error error;
  error.code = ErrorCode::kSyntax;
  error.column = column_at(text, offset);
  const auto rest = text.substr(offset);
  error.text = std::string(rest.substr(0, rest.find_first_of(" \t\r\n")));
  error.what = std::move(what);
  return error;
}

// A string that stopped early stopped at a character it may not contain.
std::string explain_string_stop(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return "unterminated string literal";
  const auto byte = static_cast<unsigned char>(text[offset]);
  if (byte < 0x20 || byte == 0x7F) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    return std::string("control character U+00") + kHex[byte >> 4] + kHex[byte & 15] +
           " in string literal";
  }
  return "invalid UTF-8 in string literal";
}

}  // namespace

ColumnMap::ColumnMap(std::string_view text) : columns_(text.size() + 1) {
  std::uint32_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool continuation = (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
    if (!continuation || characters == 0) ++characters;
    columns_[i] = characters;
  }
  columns_[text.size()] = characters + 1;
}

std::uint32_t ColumnMap::operator()(std::size_t offset) const noexcept {
  return columns_[std::min(offset, columns_.size() - 1)];
}

std::uint32_t column_at(std::string_view text, std::size_t offset) noexcept {
  return ColumnMap(text.substr(0, std::min(offset + 1, text.size())))(offset);
}

Result<std::unique_ptr<syntax::Node>> parse_where(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_expression_bytes) {
    Error error = syntax_error(text, 0,
                               "expression of " + std::to_string(text.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(limits.max_expression_bytes) + " bytes");
    error.code = ErrorCode::kLimitExceeded;
    error.text.clear();
    return error;
  }
  ParseState state(text, limits);
  state.max_depth = std::min(limits.max_depth, Limits::kMaxDepthCeiling);
  pegtl::memory_input input(text.data(), text.size(), "where");
  try {
    pegtl::parse<g::where, action, control>(input, state);
  } catch (const pegtl::parse_error& e) {
    std::size_t offset = e.positions().empty() ? 0 : e.positions().front().byte;
    std::string what(e.message());
    if (what == g::error_message<g::string_close>) {
      what = explain_string_stop(text, offset);
      // An unterminated string is reported where it starts, as PostgreSQL does.
      if (offset >= text.size()) offset = state.string_begin;
    }
    return syntax_error(text, offset, std::move(what));
  } catch (const LimitError& e) {
    Error error = syntax_error(text, e.offset, e.what);
    error.code = ErrorCode::kLimitExceeded;
    return error;
  }
  if (state.nodes.empty()) return std::unique_ptr<syntax::Node>();
  return std::move(state.nodes.back());
}

}  // namespace rollcall::filter::detail

// The `where` language as PEGTL rules (docs: README.md, "The where language").
// Rules only: the parser attaches actions and error messages elsewhere.
//
// Precedence, loosest first: OR, AND, NOT, IS [NOT] TRUE|FALSE, terms.
// Every must<> marks a point of no return: past it, failing is a syntax error
// with the message from where_errors.hpp. A rule inside must<> is never used
// outside one (hence the thin aliases such as required_unary): the error
// control raises whenever a rule with a message fails.
#pragma once

#include <tao/pegtl.hpp>

namespace rollcall::grammar {

namespace pegtl = tao::pegtl;
using pegtl::istring;
using pegtl::must;
using pegtl::not_at;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::seq;
using pegtl::sor;
using pegtl::star;
using pegtl::string;

// Whitespace: space, tab, CR, LF.
struct blank : one<' ', '\t', '\r', '\n'> {};
struct sep : star<blank> {};

struct identifier_first : pegtl::ranges<'A', 'Z', 'a', 'z', '_', '_'> {};
struct identifier_other : pegtl::ranges<'A', 'Z', 'a', 'z', '0', '9', '_', '_'> {};
struct identifier : seq<identifier_first, star<identifier_other>> {};

template <char... Cs>
struct keyword : seq<istring<Cs...>, not_at<identifier_other>> {};

struct kw_and : keyword<'a', 'n', 'd'> {};
struct kw_or : keyword<'o', 'r'> {};
struct kw_not : keyword<'n', 'o', 't'> {};
struct kw_in : keyword<'i', 'n'> {};
struct kw_like : keyword<'l', 'i', 'k', 'e'> {};
struct kw_ilike : keyword<'i', 'l', 'i', 'k', 'e'> {};
struct kw_is : keyword<'i', 's'> {};
struct kw_null : keyword<'n', 'u', 'l', 'l'> {};
struct kw_true : keyword<'t', 'r', 'u', 'e'> {};
struct kw_false : keyword<'f', 'a', 'l', 's', 'e'> {};
struct kw_len : keyword<'l', 'e', 'n'> {};

// Literals. A string is valid UTF-8 without control characters; '' is a quote.
struct quote : one<'\''> {};
struct string_char
    : sor<seq<quote, quote>, pegtl::utf8::ranges<0x20, 0x26, 0x28, 0x7E, 0x80, 0x10FFFF>> {};
struct string_body : star<string_char> {};
struct string_close : quote {};
struct string_literal : seq<quote, string_body, must<string_close>> {};
struct integer : seq<opt<one<'-'>>, plus<pegtl::digit>, not_at<identifier_other>> {};
struct boolean : sor<kw_true, kw_false> {};
struct literal : sor<string_literal, integer, boolean> {};

// Operands: LEN(attr), a literal, attr or attr.mapkey.
struct map_key_char : pegtl::alnum {};
struct map_key_punct : one<'-', '_', '.', '/'> {};
// Greedy, but never ends in punctuation: 'app.kubernetes.io/name'.
struct map_key
    : seq<map_key_char, star<sor<map_key_char, seq<plus<map_key_punct>, map_key_char>>>> {};
struct attribute_name : identifier {};
struct map_dot : one<'.'> {};
struct attribute_operand : seq<attribute_name, opt<map_dot, must<map_key>>> {};
struct len_open : one<'('> {};
struct len_close : one<')'> {};
struct len_attribute : attribute_name {};
struct len_operand : seq<kw_len, sep, len_open, sep, must<len_attribute>, sep, must<len_close>> {};
struct operand_literal : literal {};
struct operand : sor<len_operand, operand_literal, attribute_operand> {};
struct right_operand : operand {};

// Comparison operators, longest first.
// clang-format off
struct cmp_op : sor<string<'!', '~', '~', '*'>,
                    string<'!', '~', '~'>,
                    string<'!', '~', '*'>,
                    string<'!', '~'>,
                    string<'~', '~', '*'>,
                    string<'~', '~'>,
                    string<'~', '*'>,
                    one<'~'>,
                    string<'<', '>'>,
                    string<'<', '='>,
                    string<'>', '='>,
                    string<'!', '='>,
                    one<'='>,
                    one<'<'>,
                    one<'>'>> {};
// clang-format on

struct compare_tail : seq<cmp_op, sep, must<right_operand>> {};

struct list_open : one<'('> {};
struct list_close : one<')'> {};
struct list_comma : one<','> {};
struct list_literal : literal {};
struct in_list : seq<list_open, sep, must<list_literal>,
                     star<sep, list_comma, sep, must<list_literal>>, sep, must<list_close>> {};
struct in_tail : seq<kw_in, sep, must<in_list>> {};

struct like_pattern : seq<string_literal> {};
struct like_tail : seq<kw_like, sep, must<like_pattern>> {};
struct ilike_tail : seq<kw_ilike, sep, must<like_pattern>> {};
struct negatable_tail : sor<in_tail, like_tail, ilike_tail> {};
struct negated_tail : negatable_tail {};
struct not_tail : seq<kw_not, sep, must<negated_tail>> {};

struct is_null_tail : seq<kw_is, sep, kw_null> {};
struct is_not_null_tail : seq<kw_is, sep, kw_not, sep, kw_null> {};

struct has_op : one<'?'> {};
struct has_tail : seq<has_op, sep, must<right_operand>> {};

struct term_tail
    : sor<compare_tail, not_tail, negatable_tail, is_null_tail, is_not_null_tail, has_tail> {};
// A bare operand (no tail) is a condition only for a bool attribute; the binder checks.
struct term : seq<operand, opt<sep, term_tail>> {};

struct expression;
struct paren_open : one<'('> {};
struct paren_close : one<')'> {};
struct inner_expression;
struct parenthesized : seq<paren_open, sep, must<inner_expression>, sep, must<paren_close>> {};
struct primary : sor<parenthesized, term> {};

struct is_true : seq<kw_is, sep, kw_true> {};
struct is_false : seq<kw_is, sep, kw_false> {};
struct is_not_true : seq<kw_is, sep, kw_not, sep, kw_true> {};
struct is_not_false : seq<kw_is, sep, kw_not, sep, kw_false> {};
struct truth_test : sor<is_true, is_false, is_not_true, is_not_false> {};
struct tested_primary : seq<primary, opt<sep, truth_test>> {};

struct required_unary;
struct negation : seq<kw_not, sep, must<required_unary>> {};
struct unary : sor<negation, tested_primary> {};
struct required_unary : unary {};

struct and_rest : seq<kw_and, sep, must<required_unary>> {};
struct conjunction : seq<unary, star<sep, and_rest>> {};
struct required_conjunction : conjunction {};
struct or_rest : seq<kw_or, sep, must<required_conjunction>> {};
struct disjunction : seq<conjunction, star<sep, or_rest>> {};
struct expression : disjunction {};
struct inner_expression : expression {};

struct end_of_expression : pegtl::eof {};
struct where : seq<sep, opt<expression, sep>, must<end_of_expression>> {};

}  // namespace rollcall::grammar

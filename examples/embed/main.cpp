// Filters the program's own record type with a `where` expression.
// usage: embed_example 'EXPR'   (prints the names that match)
#include <rollcall/filter.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

struct Book {
  std::string title;
  std::int64_t pages = 0;
  bool in_print = true;
  rollcall::filter::Timestamp published;
  std::map<std::string, std::string> tags;
};

int main(int argc, char** argv) {
  using rollcall::filter::SchemaBuilder;
  const auto schema =
      SchemaBuilder<Book>("Book")
          .string("Title", [](const Book& b) -> const std::string& { return b.title; })
          .integer("Pages", [](const Book& b) { return b.pages; })
          .boolean("InPrint", [](const Book& b) { return b.in_print; })
          .time("Published", [](const Book& b) { return b.published; })
          .string_map(
              "Tags", [](const Book& b) -> const auto& { return b.tags; })
          .build();

  const auto date = [](const char* text) { return *rollcall::filter::Timestamp::parse(text); };
  const std::vector<Book> books = {
      {"Structure and Interpretation", 657, true, date("1985-07-01"), {{"topic", "lisp"}}},
      {"The Art of Computer Programming",
       3168,
       true,
       date("1968-01-01"),
       {{"topic", "algorithms"}}},
      {"Lions' Commentary", 254, false, date("1977-06-01"), {}},
  };

  const char* where = argc > 1 ? argv[1] : "Pages > 300 AND Tags.topic IS NOT NULL";
  const auto predicate = rollcall::filter::compile_where(where, schema);
  if (!predicate) {
    std::fprintf(stderr, "%s\n", predicate.error().message().c_str());
    return 2;
  }
  for (const Book& book : books) {
    if (predicate->matches(book)) std::printf("%s\n", book.title.c_str());
  }
  return 0;
}

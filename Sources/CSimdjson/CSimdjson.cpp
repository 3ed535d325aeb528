// The simdjson side of the shim: DOM parse, then a preorder flattening of the document.
// See include/CSimdjson.h for the contract.
#include "CSimdjson.h"

#include <simdjson.h>

#include <algorithm>
#include <memory>
#include <new>
#include <string>
#include <vector>

struct slate_json_parser {
  simdjson::dom::parser dom;
  size_t max_depth;
  // The document size limit, checked here: simdjson allocates at least
  // MINIMAL_DOCUMENT_CAPACITY (32) bytes for any document and refuses every document when
  // its own maximum is below that, so its maximum is never set lower.
  size_t max_bytes;
  // simdjson refuses a non-empty container at exactly `max_depth` levels, which the limit
  // (the strict locator's, counting every container) allows: such a document is parsed
  // again by this parser, allocated one level deeper on first need.
  std::unique_ptr<simdjson::dom::parser> deeper;
  // A copy of a document whose numbers simdjson cannot hold (an integer beyond 64 bits, a
  // real beyond a double), each such number replaced by a placeholder of the same length
  // (`0e00…`): simdjson parses the copy, the flattener reads every lexeme from the original.
  std::vector<uint8_t> substitute;
  std::vector<slate_json_node> nodes;
  std::string arena;

  slate_json_parser(size_t capacity, size_t depth)
      : dom(std::max(capacity, simdjson::dom::MINIMAL_DOCUMENT_CAPACITY)), max_depth(depth), max_bytes(capacity) {}
};

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Walks the structural indexes of stage 1 in step with the tape, so that every node gets
// the offset of its first byte. Stage 1 marks every structural character and the first
// byte of every scalar; ',' and ':' have no node of their own and are skipped.
struct token_cursor {
  const uint8_t *bytes;
  const uint32_t *index;
  uint32_t count;
  uint32_t next = 0;

  uint64_t take() noexcept {
    while (next < count && (bytes[index[next]] == ',' || bytes[index[next]] == ':')) { next++; }
    return next < count ? index[next++] : 0;
  }
};

inline bool is_number_byte(uint8_t c) noexcept {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

struct frame {
  element_type type;
  size_t node;
  simdjson::dom::array::iterator array_at, array_end;
  simdjson::dom::object::iterator object_at, object_end;
};

class flattener {
public:
  flattener(slate_json_parser &p, const simdjson::dom::parser &dom, const uint8_t *bytes)
      : parser(p), cursor{bytes, dom.implementation->structural_indexes.get(), dom.implementation->n_structural_indexes} {}

  void run(element root) {
    parser.nodes.clear();
    parser.arena.clear();
    // One stack per thread, reused by every parse (a parse never starts another on its
    // thread): no allocation per document once it has grown to the deepest one.
    static thread_local std::vector<frame> stack;
    stack.clear();
    visit(root, stack);
    while (!stack.empty()) {
      frame &top = stack.back();
      if (top.type == element_type::ARRAY) {
        if (top.array_at == top.array_end) { close(stack); continue; }
        element child = *top.array_at;
        ++top.array_at;
        visit(child, stack);
      } else {
        if (top.object_at == top.object_end) { close(stack); continue; }
        std::string_view key = top.object_at.key();
        element child = top.object_at.value();
        ++top.object_at;
        push_text(SLATE_NODE_KEY, cursor.take(), key);
        visit(child, stack);
      }
    }
  }

private:
  slate_json_parser &parser;
  token_cursor cursor;

  size_t push(uint32_t kind, uint64_t offset) {
    parser.nodes.push_back(slate_json_node{kind, 0, offset, 0, 0, 0});
    return parser.nodes.size() - 1;
  }

  void push_text(uint32_t kind, uint64_t offset, std::string_view text) {
    size_t at = push(kind, offset);
    parser.nodes[at].text_start = parser.arena.size();
    parser.nodes[at].text_length = text.size();
    parser.nodes[at].subtree_end = at + 1;
    parser.arena.append(text.data(), text.size());
  }

  void close(std::vector<frame> &stack) {
    cursor.take();  // the closing bracket
    parser.nodes[stack.back().node].subtree_end = parser.nodes.size();
    stack.pop_back();
  }

  void visit(element value, std::vector<frame> &stack) {
    uint64_t offset = cursor.take();
    switch (value.type()) {
      case element_type::ARRAY: {
        simdjson::dom::array array = value.get_array().value_unsafe();
        size_t at = push(SLATE_NODE_ARRAY, offset);
        parser.nodes[at].count = static_cast<uint32_t>(array.size());
        frame f{element_type::ARRAY, at, array.begin(), array.end(), {}, {}};
        stack.push_back(f);
        return;
      }
      case element_type::OBJECT: {
        simdjson::dom::object object = value.get_object().value_unsafe();
        size_t at = push(SLATE_NODE_OBJECT, offset);
        parser.nodes[at].count = static_cast<uint32_t>(object.size());
        frame f{element_type::OBJECT, at, {}, {}, object.begin(), object.end()};
        stack.push_back(f);
        return;
      }
      case element_type::STRING:
        push_text(SLATE_NODE_STRING, offset, value.get_string().value_unsafe());
        return;
      case element_type::INT64:
      case element_type::UINT64:
      case element_type::DOUBLE: {
        const uint8_t *start = cursor.bytes + offset;
        const uint8_t *end = start;
        while (is_number_byte(*end)) { end++; }  // padding guarantees a stop
        push_text(SLATE_NODE_NUMBER, offset,
                  std::string_view(reinterpret_cast<const char *>(start), size_t(end - start)));
        return;
      }
      case element_type::BOOL: {
        size_t at = push(value.get_bool().value_unsafe() ? SLATE_NODE_TRUE : SLATE_NODE_FALSE, offset);
        parser.nodes[at].subtree_end = at + 1;
        return;
      }
      case element_type::NULL_VALUE: {
        size_t at = push(SLATE_NODE_NULL, offset);
        parser.nodes[at].subtree_end = at + 1;
        return;
      }
    }
  }
};

// Fills `parser->substitute` with `bytes` (plus padding), every number simdjson cannot hold
// replaced by `0e` and zeros to the same length (such a number has at least 3 bytes). The
// document must be valid JSON (the strict locator found only out-of-range numbers), so
// strings and numbers are delimited by the grammar alone. O(length).
void substitute_numbers(slate_json_parser *parser, const uint8_t *bytes, size_t length) {
  std::vector<uint8_t> &copy = parser->substitute;
  copy.assign(bytes, bytes + length);
  copy.resize(length + simdjson::SIMDJSON_PADDING, ' ');
  size_t i = 0;
  while (i < length) {
    uint8_t c = copy[i];
    if (c == '"') {
      for (i++; i < length && copy[i] != '"'; i++) {
        if (copy[i] == '\\') { i++; }
      }
      i++;
      continue;
    }
    if (c != '-' && !(c >= '0' && c <= '9')) { i++; continue; }
    size_t start = i;
    while (i < length && is_number_byte(copy[i])) { i++; }
    uint64_t ignored = 0;
    if (i - start >= 3 && slate_json_locate_error(bytes + start, i - start, 1, &ignored) != SLATE_SYNTAX_NONE) {
      copy[start] = '0';
      copy[start + 1] = 'e';
      std::fill(copy.begin() + start + 2, copy.begin() + i, uint8_t('0'));
    }
  }
}

// Parses `input` with the parser allocated one level deeper than `max_depth`: simdjson
// refuses a non-empty container exactly `max_depth` deep, which the limit allows. True on
// success, with `*used` that parser.
bool parse_one_deeper(slate_json_parser *parser, const uint8_t *input, size_t length, simdjson::dom::element *root,
                      const simdjson::dom::parser **used) {
  if (!parser->deeper) {
    parser->deeper.reset(new (std::nothrow) simdjson::dom::parser(parser->dom.max_capacity()));
  }
  if (!parser->deeper || parser->deeper->allocate(std::max(length, simdjson::dom::MINIMAL_DOCUMENT_CAPACITY),
                                                  parser->max_depth + 1) != simdjson::SUCCESS) {
    return false;
  }
  auto again = parser->deeper->parse(input, length, /*realloc_if_needed=*/false);
  if (again.error() != simdjson::SUCCESS) { return false; }
  *root = again.value_unsafe();
  *used = parser->deeper.get();
  return true;
}

// Parses with simdjson; `*used` is the simdjson parser that holds the document.
int32_t parse_dom(slate_json_parser *parser, const uint8_t *bytes, size_t length, slate_json_error *error,
                  simdjson::dom::element *root, const simdjson::dom::parser **used) {
  *used = &parser->dom;
  auto result = parser->dom.parse(bytes, length, /*realloc_if_needed=*/false);
  simdjson::error_code code = result.error();
  if (code == simdjson::SUCCESS) {
    *root = result.value_unsafe();
    return 0;
  }
  error->simdjson_code = int32_t(code);
  error->offset = 0;
  if (code == simdjson::CAPACITY) {
    error->reason = SLATE_SYNTAX_CAPACITY;
    return int32_t(code);
  }
  if (code == simdjson::MEMALLOC) {
    error->reason = SLATE_SYNTAX_CAPACITY;
    return int32_t(code);
  }
  uint64_t offset = 0;
  int32_t reason = slate_json_locate_error(bytes, length, parser->max_depth, &offset);
  if (code == simdjson::DEPTH_ERROR && reason == SLATE_SYNTAX_NONE &&
      parse_one_deeper(parser, bytes, length, root, used)) {
    return 0;
  }
  if (reason == SLATE_SYNTAX_NUMBER_OUT_OF_RANGE) {
    // Valid JSON whose numbers simdjson cannot hold: parse a copy with placeholders (the
    // structure, and so every offset, is unchanged; depth was checked by the locator).
    try {
      substitute_numbers(parser, bytes, length);
    } catch (const std::bad_alloc &) {
      error->reason = SLATE_SYNTAX_CAPACITY;
      error->offset = 0;
      return int32_t(simdjson::MEMALLOC);
    }
    const uint8_t *copy = parser->substitute.data();
    auto again = parser->dom.parse(copy, length, /*realloc_if_needed=*/false);
    if (again.error() == simdjson::SUCCESS) {
      *root = again.value_unsafe();
      return 0;
    }
    if (again.error() == simdjson::DEPTH_ERROR && parse_one_deeper(parser, copy, length, root, used)) { return 0; }
  }
  error->reason = reason;
  error->offset = offset;
  return int32_t(code);
}

}  // namespace

extern "C" {

slate_json_parser *slate_json_parser_create(size_t max_capacity, size_t max_depth) {
  auto *parser = new (std::nothrow) slate_json_parser(max_capacity, max_depth);
  if (parser == nullptr) { return nullptr; }
  // Allocate for small documents now; parse() grows the buffers up to max_capacity.
  if (parser->dom.allocate(std::min(parser->dom.max_capacity(), size_t(4096)), max_depth) != simdjson::SUCCESS) {
    delete parser;
    return nullptr;
  }
  return parser;
}

void slate_json_parser_destroy(slate_json_parser *parser) { delete parser; }

static int32_t ensure_capacity(slate_json_parser *parser, size_t length, slate_json_error *error) {
  if (length <= parser->dom.capacity() && length <= parser->max_bytes) { return 0; }
  simdjson::error_code code = length > parser->max_bytes
                                  ? simdjson::CAPACITY
                                  : parser->dom.allocate(length, parser->max_depth);
  if (code == simdjson::SUCCESS) { return 0; }
  error->simdjson_code = int32_t(code);
  error->reason = SLATE_SYNTAX_CAPACITY;
  error->offset = 0;
  return int32_t(code);
}

int32_t slate_json_parse(slate_json_parser *parser, const uint8_t *bytes, size_t length,
                         slate_json_error *error) {
  if (int32_t code = ensure_capacity(parser, length, error)) { return code; }
  simdjson::dom::element root;
  const simdjson::dom::parser *used = nullptr;
  if (int32_t code = parse_dom(parser, bytes, length, error, &root, &used)) { return code; }
  try {
    flattener(*parser, *used, bytes).run(root);
  } catch (const std::bad_alloc &) {
    error->simdjson_code = int32_t(simdjson::MEMALLOC);
    error->reason = SLATE_SYNTAX_CAPACITY;
    error->offset = 0;
    return int32_t(simdjson::MEMALLOC);
  }
  return 0;
}

int32_t slate_json_validate(slate_json_parser *parser, const uint8_t *bytes, size_t length,
                            slate_json_error *error) {
  if (int32_t code = ensure_capacity(parser, length, error)) { return code; }
  simdjson::dom::element root;
  const simdjson::dom::parser *used = nullptr;
  return parse_dom(parser, bytes, length, error, &root, &used);
}

const slate_json_node *slate_json_nodes(const slate_json_parser *parser, size_t *count) {
  *count = parser->nodes.size();
  return parser->nodes.data();
}

const uint8_t *slate_json_arena(const slate_json_parser *parser, size_t *length) {
  *length = parser->arena.size();
  return reinterpret_cast<const uint8_t *>(parser->arena.data());
}

const char *slate_json_error_message(int32_t simdjson_code) {
  return simdjson::error_message(simdjson::error_code(simdjson_code));
}

const char *slate_json_error_name(int32_t simdjson_code) {
  switch (simdjson::error_code(simdjson_code)) {
#define SLATE_CASE(name) case simdjson::name: return #name;
    SLATE_CASE(SUCCESS) SLATE_CASE(CAPACITY) SLATE_CASE(MEMALLOC) SLATE_CASE(TAPE_ERROR)
    SLATE_CASE(DEPTH_ERROR) SLATE_CASE(STRING_ERROR) SLATE_CASE(T_ATOM_ERROR)
    SLATE_CASE(F_ATOM_ERROR) SLATE_CASE(N_ATOM_ERROR) SLATE_CASE(NUMBER_ERROR)
    SLATE_CASE(UTF8_ERROR) SLATE_CASE(UNINITIALIZED) SLATE_CASE(EMPTY)
    SLATE_CASE(UNESCAPED_CHARS) SLATE_CASE(UNCLOSED_STRING) SLATE_CASE(UNSUPPORTED_ARCHITECTURE)
    SLATE_CASE(INCORRECT_TYPE) SLATE_CASE(NUMBER_OUT_OF_RANGE) SLATE_CASE(INDEX_OUT_OF_BOUNDS)
    SLATE_CASE(NO_SUCH_FIELD) SLATE_CASE(IO_ERROR) SLATE_CASE(INVALID_JSON_POINTER)
    SLATE_CASE(INVALID_URI_FRAGMENT) SLATE_CASE(UNEXPECTED_ERROR) SLATE_CASE(PARSER_IN_USE)
    SLATE_CASE(OUT_OF_ORDER_ITERATION) SLATE_CASE(INSUFFICIENT_PADDING)
    SLATE_CASE(INCOMPLETE_ARRAY_OR_OBJECT) SLATE_CASE(SCALAR_DOCUMENT_AS_VALUE)
    SLATE_CASE(OUT_OF_BOUNDS) SLATE_CASE(TRAILING_CONTENT)
#undef SLATE_CASE
    default: return "UNKNOWN";
  }
}

const char *slate_json_active_implementation(void) {
  return simdjson::get_active_implementation()->name().data();
}

}  // extern "C"

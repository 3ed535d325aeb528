// The simdjson side of the shim: DOM parse, then a preorder flattening of its tape.
// See include/CSimdjson.h for the contract.
#include "CSimdjson.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
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
  // The node array (no more nodes than tape words): grown, never shrunk, never initialised
  // beyond what a parse writes.
  std::unique_ptr<slate_json_node[]> nodes;
  size_t node_capacity = 0;
  size_t node_count = 0;
  // The open containers while flattening (reused: no allocation per document once grown).
  struct open_container {
    uint32_t node;
    uint32_t count;
    bool is_object;
    bool expects_key;
  };
  std::vector<open_container> stack;

  slate_json_parser(size_t capacity, size_t depth)
      : dom(std::max(capacity, simdjson::dom::MINIMAL_DOCUMENT_CAPACITY)), max_depth(depth), max_bytes(capacity) {}
};

namespace {

inline bool is_number_byte(uint8_t c) noexcept {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Flattens the document `dom` holds, reading its tape in order (the tape is already in
// preorder): a container's word opens a node, its closing word closes it, a string is a
// KEY or a STRING node by its place in its object, a number (two words) a NUMBER node whose
// text is its lexeme in `bytes`. The lexeme's first byte comes from stage 1's structural
// indexes, walked in step with the tape (every structural character and the first byte of
// every scalar; ',' and ':' have no tape word and are skipped). O(tape words); throws
// std::bad_alloc when the node array cannot grow.
void flatten(slate_json_parser &parser, const simdjson::dom::parser &dom, const uint8_t *bytes) {
  const uint64_t *tape = dom.doc.tape.get();
  const uint8_t *strings = dom.doc.string_buf.get();
  const uint32_t *index = dom.implementation->structural_indexes.get();
  const uint32_t indexes = dom.implementation->n_structural_indexes;
  uint32_t next = 0;
  // tape[0] is the root word; its payload is the index just past the closing root word.
  const size_t end = size_t(tape[0] & simdjson::internal::JSON_VALUE_MASK);
  if (parser.node_capacity < end) {
    parser.nodes.reset(new slate_json_node[end]);
    parser.node_capacity = end;
  }
  slate_json_node *nodes = parser.nodes.get();
  auto &stack = parser.stack;
  stack.clear();
  size_t count = 0;
  size_t i = 1;
  while (i < end) {
    const uint64_t word = tape[i];
    const uint8_t type = uint8_t(word >> 56);
    if (type == 'r') { break; }  // the closing root word
    // Closing a container: no node of its own.
    if (type == '}' || type == ']') {
      while (next < indexes && (bytes[index[next]] == ',' || bytes[index[next]] == ':')) { next++; }
      next++;
      const auto &top = stack.back();
      nodes[top.node].count = top.count;
      nodes[top.node].subtree_end = uint32_t(count);
      stack.pop_back();
      i++;
      continue;
    }
    uint32_t kind;
    bool is_key = false;
    if (!stack.empty()) {
      auto &top = stack.back();
      if (!top.is_object) {
        top.count++;
      } else if (top.expects_key) {
        top.count++;
        top.expects_key = false;
        is_key = true;
      } else {
        top.expects_key = true;
      }
    }
    while (next < indexes && (bytes[index[next]] == ',' || bytes[index[next]] == ':')) { next++; }
    const uint32_t first = next < indexes ? index[next] : 0;
    next++;
    slate_json_node &node = nodes[count];
    node.count = 0;
    node.text = nullptr;
    node.text_length = 0;
    node.subtree_end = uint32_t(count + 1);
    switch (type) {
      case '"': {
        const size_t at = size_t(word & simdjson::internal::JSON_VALUE_MASK);
        uint32_t length;
        std::memcpy(&length, strings + at, sizeof(length));
        kind = is_key ? SLATE_NODE_KEY : SLATE_NODE_STRING;
        node.text = strings + at + sizeof(uint32_t);
        node.text_length = length;
        i++;
        break;
      }
      case 'l': case 'u': case 'd': {
        const uint8_t *start = bytes + first;
        const uint8_t *stop = start;
        while (is_number_byte(*stop)) { stop++; }  // padding guarantees a stop
        kind = SLATE_NODE_NUMBER;
        node.text = start;
        node.text_length = uint32_t(stop - start);
        i += 2;
        break;
      }
      case '{': case '[':
        kind = type == '{' ? SLATE_NODE_OBJECT : SLATE_NODE_ARRAY;
        stack.push_back({uint32_t(count), 0, type == '{', true});
        i++;
        break;
      case 't': kind = SLATE_NODE_TRUE; i++; break;
      case 'f': kind = SLATE_NODE_FALSE; i++; break;
      default: kind = SLATE_NODE_NULL; i++; break;  // 'n'
    }
    node.kind = kind;
    count++;
  }
  parser.node_count = count;
}

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
    flatten(*parser, *used, bytes);
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
  *count = parser->node_count;
  return parser->nodes.get();
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

// simdjson's DOM front end (what Slate's shim uses: stage 1 and stage 2 build a tape, the
// dialects read the tape) against its On-Demand front end (stage 1 only; values are parsed
// as they are read) on the envelopes of one recorded stream, reading what Slate's dialects
// read from each event. Issue 16 asks to measure this before choosing a front end.
//
// Usage: envelopes FILE openai|anthropic [RUNS]. Prints, for each front end, the best time
// of RUNS passes (taking turns) over every `data:` line's JSON (copied into a padded buffer, as the shim
// does when an event's bytes are not readable in place), in ms and ns per event, and the
// sum of the text lengths read (the same for every front end, or the program fails).
// Build: c++ -O3 -std=c++17 envelopes.cpp -lsimdjson (Benchmarks/simdjson/envelopes.sh).
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace simdjson;

namespace {

struct Event { size_t offset, length; };

// What a pass found: text bytes and fields read (equal for every front end).
struct Tally {
  size_t text = 0, fields = 0;
  bool operator==(const Tally &o) const { return text == o.text && fields == o.fields; }
};

// --- DOM: one parse into the tape, then the reads ---------------------------------------

void domOpenAIDelta(dom::object delta, Tally &t) {
  for (auto [key, value] : delta) {
    t.fields++;
    std::string_view s;
    if (key == "content" && value.get(s) == SUCCESS) t.text += s.size();
    else if (key == "role" && value.get(s) == SUCCESS) t.text += 0;
    else if (key == "tool_calls") {
      dom::array calls;
      if (value.get(calls)) continue;
      for (dom::element call : calls) {
        dom::object c;
        if (call.get(c)) continue;
        for (auto [k, v] : c) {
          t.fields++;
          dom::object function;
          if (k == "function" && v.get(function) == SUCCESS)
            for (auto [fk, fv] : function) {
              t.fields++;
              if (fk == "arguments" && fv.get(s) == SUCCESS) t.text += s.size();
            }
        }
      }
    }
  }
}

void domOpenAI(dom::element root, Tally &t) {
  dom::object object;
  if (root.get(object)) return;
  for (auto [key, value] : object) {
    t.fields++;
    if (key != "choices") continue;
    dom::array choices;
    if (value.get(choices)) continue;
    for (dom::element choice : choices) {
      dom::object c;
      if (choice.get(c)) continue;
      for (auto [k, v] : c) {
        t.fields++;
        dom::object delta;
        if (k == "delta" && v.get(delta) == SUCCESS) domOpenAIDelta(delta, t);
      }
    }
  }
}

void domAnthropic(dom::element root, Tally &t) {
  dom::object object;
  if (root.get(object)) return;
  for (auto [key, value] : object) {
    t.fields++;
    dom::object inner;
    if ((key == "delta" || key == "content_block") && value.get(inner) == SUCCESS)
      for (auto [k, v] : inner) {
        t.fields++;
        std::string_view s;
        if ((k == "text" || k == "partial_json") && v.get(s) == SUCCESS) t.text += s.size();
      }
  }
}

// --- On-Demand: stage 1, then the reads walk the structure -------------------------------

template <class Object> void odOpenAIDelta(Object delta, Tally &t) {
  for (auto field : delta) {
    t.fields++;
    std::string_view key;
    if (field.unescaped_key().get(key)) return;
    std::string_view s;
    if (key == "content") { if (field.value().get_string().get(s) == SUCCESS) t.text += s.size(); }
    else if (key == "tool_calls") {
      ondemand::array calls;
      if (field.value().get_array().get(calls)) continue;
      for (auto call : calls) {
        ondemand::object c;
        if (call.get_object().get(c)) continue;
        for (auto cf : c) {
          t.fields++;
          std::string_view k;
          if (cf.unescaped_key().get(k)) return;
          ondemand::object function;
          if (k == "function" && cf.value().get_object().get(function) == SUCCESS)
            for (auto ff : function) {
              t.fields++;
              std::string_view fk;
              if (ff.unescaped_key().get(fk)) return;
              if (fk == "arguments" && ff.value().get_string().get(s) == SUCCESS) t.text += s.size();
            }
        }
      }
    }
  }
}

void odOpenAI(ondemand::document &doc, Tally &t) {
  ondemand::object object;
  if (doc.get_object().get(object)) return;
  for (auto field : object) {
    t.fields++;
    std::string_view key;
    if (field.unescaped_key().get(key)) return;
    if (key != "choices") continue;
    ondemand::array choices;
    if (field.value().get_array().get(choices)) continue;
    for (auto choice : choices) {
      ondemand::object c;
      if (choice.get_object().get(c)) continue;
      for (auto cf : c) {
        t.fields++;
        std::string_view k;
        if (cf.unescaped_key().get(k)) return;
        ondemand::object delta;
        if (k == "delta" && cf.value().get_object().get(delta) == SUCCESS) odOpenAIDelta(delta, t);
      }
    }
  }
}

void odAnthropic(ondemand::document &doc, Tally &t) {
  ondemand::object object;
  if (doc.get_object().get(object)) return;
  for (auto field : object) {
    t.fields++;
    std::string_view key;
    if (field.unescaped_key().get(key)) return;
    ondemand::object inner;
    if ((key == "delta" || key == "content_block") && field.value().get_object().get(inner) == SUCCESS)
      for (auto f : inner) {
        t.fields++;
        std::string_view k, s;
        if (f.unescaped_key().get(k)) return;
        if ((k == "text" || k == "partial_json") && f.value().get_string().get(s) == SUCCESS) t.text += s.size();
      }
  }
}

// Times one pass.
double timed(const std::function<void()> &pass) {
  auto start = std::chrono::steady_clock::now();
  pass();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: envelopes FILE openai|anthropic [RUNS]\n"); return 2; }
  std::ifstream file(argv[1], std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  const std::string bytes = contents.str();
  const bool openai = std::strcmp(argv[2], "openai") == 0;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 10;

  std::vector<Event> events;
  for (size_t at = 0; at < bytes.size();) {
    size_t end = bytes.find('\n', at);
    if (end == std::string::npos) end = bytes.size();
    if (bytes.compare(at, 5, "data:") == 0) {
      size_t start = at + 5 + (bytes[at + 5] == ' ');
      if (bytes.compare(start, 6, "[DONE]") != 0) events.push_back({start, end - start});
    }
    at = end + 1;
  }
  std::vector<char> padded(1 << 20);
  auto copy = [&](const Event &e) {
    std::memcpy(padded.data(), bytes.data() + e.offset, e.length);
    std::memset(padded.data() + e.length, 0, SIMDJSON_PADDING);
  };

  dom::parser domParser;
  ondemand::parser odParser;
  Tally domTally, odTally;
  size_t parsed = 0;
  const std::vector<std::function<void()>> passes = {
      [&] { for (auto &e : events) { copy(e); parsed += padded[0]; } },
      [&] {
        for (auto &e : events) {
          copy(e);
          dom::element root;
          if (domParser.parse(reinterpret_cast<const uint8_t *>(padded.data()), e.length, false).get(root)) std::exit(1);
        }
      },
      [&] {
        domTally = {};
        for (auto &e : events) {
          copy(e);
          dom::element root;
          if (domParser.parse(reinterpret_cast<const uint8_t *>(padded.data()), e.length, false).get(root)) std::exit(1);
          openai ? domOpenAI(root, domTally) : domAnthropic(root, domTally);
        }
      },
      [&] {
        odTally = {};
        for (auto &e : events) {
          copy(e);
          ondemand::document doc;
          if (odParser.iterate(padded.data(), e.length, e.length + SIMDJSON_PADDING).get(doc)) std::exit(1);
          openai ? odOpenAI(doc, odTally) : odAnthropic(doc, odTally);
        }
      },
  };
  // The passes take turns within each run (a busy moment of the machine hits them all), and
  // each keeps its best time.
  std::vector<double> best(passes.size(), 1e30);
  for (int run = 0; run < runs; run++)
    for (size_t p = 0; p < passes.size(); p++) best[p] = std::min(best[p], timed(passes[p]));
  const double copyOnly = best[0], domParse = best[1], domRead = best[2], odRead = best[3];
  if (!(domTally == odTally)) {
    fprintf(stderr, "the front ends read different things: text %zu/%zu fields %zu/%zu\n", domTally.text, odTally.text,
            domTally.fields, odTally.fields);
    return 1;
  }
  const double n = double(events.size());
  printf("%s: %zu events, %zu bytes, kernel %s, best of %d runs; text read %zu bytes, %zu fields\n", argv[1],
         events.size(), bytes.size(), get_active_implementation()->name().c_str(), runs, domTally.text, domTally.fields);
  printf("| front end | ms | ns per event | ÷ DOM parse + reads |\n|---|---:|---:|---:|\n");
  printf("| copy into the padded buffer only | %.2f | %.0f | %.2f |\n", copyOnly, copyOnly * 1e6 / n, copyOnly / domRead);
  printf("| DOM parse only (the lower bound's parse) | %.2f | %.0f | %.2f |\n", domParse, domParse * 1e6 / n, domParse / domRead);
  printf("| DOM parse + the dialect's reads | %.2f | %.0f | 1.00 |\n", domRead, domRead * 1e6 / n);
  printf("| On-Demand, the dialect's reads | %.2f | %.0f | %.2f |\n", odRead, odRead * 1e6 / n, odRead / domRead);
  // What each front end says of an envelope malformed outside the members a dialect reads
  // (OpenAI-shaped; printed with the OpenAI stream):
  // the DOM parse rejects it (Slate reports `dialect.invalid_payload` with the byte); On-Demand
  // reads the text it needs and never looks at the rest.
  const char *malformed[] = {R"({"obfuscation":tru,"choices":[{"delta":{"content":"x"}}]})",
                             R"({"created":12x4,"choices":[{"delta":{"content":"x"}}]})",
                             R"({"id":"\q","choices":[{"delta":{"content":"x"}}]})"};
  if (openai) {
    printf("\n| malformed envelope | DOM parse | On-Demand, reading choices[0].delta.content |\n|---|---|---|\n");
    for (const char *text : malformed) {
      padded_string json(text, std::strlen(text));
      dom::element root;
      error_code domError = domParser.parse(json).get(root);
      ondemand::document doc;
      std::string_view content;
      error_code odError = odParser.iterate(json).get(doc);
      if (!odError) odError = doc["choices"].at(0)["delta"]["content"].get_string().get(content);
      printf("| `%s` | %s | %s |\n", text, error_message(domError), odError ? error_message(odError) : "accepted");
    }
  }
  return parsed == 42 ? 3 : 0;
}

// The peer of the whole-run benchmark (benches/corpus.sh): compromise's named-entity methods
// (people, places, organizations) over every article of JSON Lines files, one at a time.
// Prints one JSON object: documents, text bytes, entities found, seconds (reading included).
//
//   node benches/compromise.js NODE_MODULES_DIR FILE.jsonl...

const fs = require("fs");
const path = require("path");

const [modules, ...files] = process.argv.slice(2);
const nlp = require(require.resolve("compromise", { paths: [path.resolve(modules)] }));

const started = process.hrtime.bigint();
let documents = 0;
let bytes = 0;
let entities = 0;
for (const file of files) {
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const text = JSON.parse(line).text;
    const doc = nlp(text);
    entities +=
      doc.people().out("array").length +
      doc.places().out("array").length +
      doc.organizations().out("array").length;
    documents += 1;
    bytes += Buffer.byteLength(text, "utf8");
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ documents, bytes, entities, seconds }));

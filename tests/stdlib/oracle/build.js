// Transpile the upstream's pattern modules and confidence library to CommonJS in ./js, for run.js.
// usage: node build.js <checkout of HaruHunab1320/parallax>   (needs `npm install typescript` here)
const ts = require('typescript');
const fs = require('fs');
const path = require('path');
const upstream = process.argv[2];
if (!upstream) throw new Error('usage: node build.js <upstream checkout>');
const sources = [
  [path.join(upstream, 'packages/confidence/src'), 'js/confidence'],
  [path.join(upstream, 'packages/patterns/src'), 'js/patterns'],
];
const walk = (d) => fs.readdirSync(d, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
for (const [from, to] of sources) {
  for (const file of walk(from)) {
    if (!file.endsWith('.ts') || file.includes('__tests__')) continue;
    const out = path.join(__dirname, to, path.relative(from, file)).replace(/\.ts$/, '.js');
    let rel = path.relative(path.dirname(out), path.join(__dirname, 'js/confidence/index.js'));
    if (!rel.startsWith('.')) rel = './' + rel;
    const text = fs.readFileSync(file, 'utf8').replace(/'@parallaxai\/confidence'/g, JSON.stringify(rel));
    const js = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, js.outputText);
  }
}

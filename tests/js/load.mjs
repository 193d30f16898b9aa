// Load an explorer's ES module as the widget gets it: core.js, then its file.
import { readFileSync } from "node:fs";

export async function explorer(name) {
  const folder = new URL("../../d2lconv/explorers/", import.meta.url);
  const code = ["core.js", `${name}.js`]
    .map((file) => readFileSync(new URL(file, folder), "utf8"))
    .join("\n");
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

// English texts: tr fills in the fields of the English template.
export const english = (m) => m.translator({});

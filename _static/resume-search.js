/*
 * The résumé's search, on top of Sphinx 8.2's searchtools.js (loaded on search.html only,
 * deferred: it runs after searchtools.js and language_data.js, before the search starts).
 *
 * - A query is normalised as the index is (NFKC, search.py): full-width Latin letters and
 *   digits and half-width katakana (ＡＰＩＳＩＸ, １００ＧＢ, ｹﾞｰﾄｳｪｲ) are searched as their usual
 *   forms. Aliases, camel case and words written joined or apart are indexed (search.py).
 * - A query is split into the words the index holds. Chinese and Japanese have no spaces,
 *   so each run of their characters is cut by longest match against the index's own terms
 *   (cut by jieba or TinySegmenter at build time): 网关鉴权 → 网关 鉴权. A character left
 *   over alone is dropped, never searched for: single characters are not indexed. Latin
 *   words stay whole and Sphinx stems them as before.
 * - A page is found only if it holds every word of the query.
 * - Index entries (the technologies) are found with inflections: gateways → gateway.
 * - One result per page, at the page's best match.
 * - Each result has a snippet around the first query word on the page, cut from the page's
 *   article alone, <page>.snippet.txt (resume/search.py), not from the whole page.
 * - The summary sentence is in the page's language (Sphinx 8.2's Japanese one is blank and
 *   its Chinese one is missing), and is shown as soon as the results are known, before them:
 *   Sphinx writes it after the last result, and it would push every result down. (Each result
 *   keeps room for its snippet, in resume.css, so that snippets arriving push nothing either.)
 * - Result titles are shown as text: searchtools.js sets them with innerHTML, and a heading
 *   whose text is markup (<img onerror=…>) would run in the reader's browser. The snippets are
 *   text already (textContent).
 */
"use strict";

(() => {
  // Chinese and Japanese characters, as in search.py: not the middle dot ・, which separates.
  const CJK =
    "\\u3005\\u3041-\\u309f\\u30a1-\\u30fa\\u30fc-\\u30ff" +
    "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff66-\\uff9f";
  const IS_CJK = new RegExp(`[${CJK}]`, "u");
  const RUNS = new RegExp(`[${CJK}]+|[^${CJK}]+`, "gu");
  const HIRAGANA_ONLY = /^[\u3041-\u309f\u30fc]+$/u;
  // Sphinx's own split: at anything that is not a letter, a number, _ or an emoji.
  const WORDS = /[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu;

  const SUMMARY = "Search finished, found one page matching the search query.";
  const SUMMARY_MANY = "Search finished, found ${resultCount} pages matching the search query.";
  const NOTHING =
    "Your search did not match any documents. Please make sure that all words are spelled " +
    "correctly and that you've selected enough categories.";
  // What a result's snippet is cut from: the article beside the page (resume/search.py).
  const SNIPPET_SUFFIX = ".snippet.txt";
  const SUMMARIES = {
    "zh-CN": "搜索完成，匹配到 ${resultCount} 页。",
    ja: "検索が完了しました。${resultCount} ページが見つかりました。",
  };

  /* -- The index's words ------------------------------------------------------------------ */

  let vocabulary = { index: null, words: new Set(), longest: 0 };

  /** The index's Chinese and Japanese terms, read once per index. */
  const indexWords = () => {
    const index = Search._index;
    if (vocabulary.index !== index) {
      const words = new Set();
      for (const table of [index.terms, index.titleterms])
        for (const term of Object.keys(table)) if (IS_CJK.test(term)) words.add(term);
      const longest = Math.max(0, ...[...words].map((word) => word.length));
      vocabulary = { index, words, longest };
    }
    return vocabulary;
  };

  /**
   * Cut a run of Chinese or Japanese characters into indexed words: the fewest characters
   * left over, then the fewest (so the longest) words. Characters left over next to each
   * other stay together; one alone is dropped.
   */
  const segment = (run, { words, longest }) => {
    const lower = run.toLowerCase();
    // best[i]: the best cut of run[0:i], as [characters left over, words, start, is a word]
    const best = [[0, 0, 0, false]];
    for (let end = 1; end <= run.length; end++) {
      const [left, count] = best[end - 1];
      best[end] = [left + 1, count, end - 1, false];
      for (let start = Math.max(0, end - longest); start <= end - 2; start++) {
        if (!words.has(lower.slice(start, end))) continue;
        const [l, c] = best[start];
        const [bestLeft, bestCount] = best[end];
        if (l < bestLeft || (l === bestLeft && c + 1 < bestCount))
          best[end] = [l, c + 1, start, true];
      }
    }
    const parts = [];
    let leftover = "";
    const keepLeftover = () => {
      if (leftover.length > 1) parts.push(leftover);
      leftover = "";
    };
    for (let end = run.length; end > 0; ) {
      const [, , start, isWord] = best[end];
      if (isWord) {
        keepLeftover();
        parts.push(run.slice(start, end));
      } else leftover = run[start] + leftover;
      end = start;
    }
    keepLeftover();
    parts.reverse();
    // Japanese particles (の, を, として …) only narrow a query made of other words.
    const content = parts.filter((part) => !HIRAGANA_ONLY.test(part));
    return content.length ? content : parts;
  };

  /** A query as the index reads text: NFKC, as search.py normalises it at build time. */
  const normalise = (query) => query.normalize("NFKC");

  /**
   * A query word the index holds as typed is searched as typed. The index's stems are
   * Python's, the query's are language_data.js's, and they differ on short Latin words: Sphinx's
   * Chinese index keeps k8s whole (its stem, k8, is too short), while the query side stems it.
   */
  const Stemmer_ = window.Stemmer;
  window.Stemmer = function Stemmer() {
    const stemmer = new Stemmer_();
    const stemWord = stemmer.stemWord.bind(stemmer);
    stemmer.stemWord = (word) => {
      const stem = stemWord(word);
      const index = Search._index;
      if (!index || stem === word) return stem;
      const holds = (term) => Object.hasOwn(index.terms, term) || Object.hasOwn(index.titleterms, term);
      return !holds(stem) && holds(word) ? word : stem;
    };
    return stemmer;
  };

  /** Split a query into words: at spaces and punctuation, then between scripts and words. */
  const splitIntoIndexWords = (query) => {
    const vocabulary = indexWords();
    const words = [];
    for (const token of query.split(WORDS)) {
      if (!token) continue;
      for (const run of token.match(RUNS))
        words.push(...(IS_CJK.test(run) ? segment(run, vocabulary) : [run]));
    }
    return words;
  };

  /* -- Results ---------------------------------------------------------------------------- */

  let queryWords = []; // the words of the last query, as typed (lower case, not stemmed)
  let entries = { index: null, words: [] };

  /** Each index entry's words, split and stemmed as a query is. */
  const entryWords = () => {
    const index = Search._index;
    if (entries.index !== index) {
      const stemmer = new Stemmer();
      const words = Object.entries(index.indexentries).map(([entry, found]) => [
        new Set(splitQuery(entry).map((word) => stemmer.stemWord(word.toLowerCase()))),
        found,
      ]);
      entries = { index, words };
    }
    return entries.words;
  };

  /**
   * Index entries whose words hold every query word, stemmed ("gateways" finds the entry
   * "gateway"; 認証 finds 認証・認可). Sphinx matches an entry only if it contains the
   * query as typed.
   */
  const searchEntryWords = (searchTerms) => {
    const { docnames, titles, filenames } = Search._index;
    const results = [];
    if (!searchTerms.size) return results;
    for (const [words, found] of entryWords()) {
      if (searchTerms.size * 2 < words.size) continue;
      if (![...searchTerms].every((term) => words.has(term))) continue;
      const score = Math.round((100 * searchTerms.size) / words.size);
      for (const [file, id] of found)
        results.push([
          docnames[file], titles[file], id ? "#" + id : "", null, score, filenames[file], "index",
        ]);
    }
    return results;
  };

  /** The pages (file numbers) holding a query word, as Sphinx matches it. */
  const pagesWith = (word) => {
    const files = new Set();
    for (const table of [Search._index.terms, Search._index.titleterms])
      for (const [term, found] of Object.entries(table))
        if (term === word || (word.length > 2 && term.includes(word)))
          for (const file of [found].flat()) files.add(file);
    return files;
  };

  /**
   * Full-text results only where every query word the index knows is on the page. Sphinx
   * lets any word shorter than three letters go missing, which is most Chinese and Japanese
   * words: ゲートウェイ認証 would find every page with ゲートウェイ.
   */
  const allWords = (results, searchTerms) => {
    const { docnames } = Search._index;
    const required = [...searchTerms].map(pagesWith).filter((files) => files.size);
    return results.filter(
      (result) =>
        result[6] !== "text" ||
        required.every((files) => files.has(docnames.indexOf(result[0])))
    );
  };

  /**
   * One result per page, ranked by the sum of its best match of each kind (index entry,
   * title, text): a page that lists the technology, names it in a title and in its text
   * comes first. Sphinx lists each match apart, and every index entry after all the rest.
   * The result links to the page's best match. Results are in ascending order, best last.
   */
  const onePerPage = (results) => {
    const pages = new Map();
    results.forEach((result, position) => {
      const [docName, , , , score, , kind] = result;
      if (!pages.has(docName)) pages.set(docName, { best: result, kinds: new Map(), position });
      const page = pages.get(docName);
      page.kinds.set(kind, Math.max(page.kinds.get(kind) ?? 0, score));
      if (score > page.best[4]) page.best = result;
      page.position = Math.max(page.position, position); // on equal sums, Sphinx's order
    });
    const total = (page) => [...page.kinds.values()].reduce((sum, score) => sum + score, 0);
    return [...pages.values()]
      .map((page) => ({ ...page, total: total(page) }))
      .sort((a, b) => a.total - b.total || a.position - b.position)
      .map(({ best, total }) => [...best.slice(0, 4), total, ...best.slice(5)]);
  };

  const commonStart = (a, b) => {
    let length = 0;
    while (length < a.length && a[length] === b[length]) length++;
    return a.slice(0, length);
  };

  /** A snippet of the page (or of the section the result points at) around a query word. */
  const makeSummary = (htmlText, keywords, anchor) => {
    const clean = (text) => text.replace(/\s+/g, " ").trim();
    let text = clean(Search.htmlToText(htmlText, anchor));
    if (!text) text = clean(Search.htmlToText(htmlText));
    const lower = text.toLowerCase();
    // A stem may not be in the text (gateways → gatewai): its common start with the word is.
    const stemmer = new Stemmer();
    const stems = queryWords.map((word) => commonStart(word, stemmer.stemWord(word)));
    const found = [...keywords, ...queryWords, ...stems]
      .filter((word) => word.length > 1)
      .map((word) => lower.indexOf(word.toLowerCase()))
      .filter((position) => position > -1);
    const position = found.length ? Math.min(...found) : 0;
    const start = Math.max(position - 30, 0); // the word within the three lines shown
    const summary = document.createElement("p");
    summary.classList.add("context");
    const more = start + 240 < text.length;
    summary.textContent = (start ? "…" : "") + text.substr(start, 240).trim() + (more ? "…" : "");
    return summary;
  };

  /* -- Titles as text --------------------------------------------------------------------- */

  // The index holds titles two ways: as Sphinx's rendered HTML ("titles": &lt; escaped, inline
  // code as <code> or <span> elements) and as plain text ("alltitles"). The inline elements
  // Sphinx itself writes are dropped, the entities decoded, and the result escaped whole, so
  // searchtools.js's innerHTML shows exactly the text, never an element.
  const INLINE = /<\/?(?:code|span|em|strong|abbr|sup|sub|cite|kbd|samp|var)\b[^>]*>/gi;
  const ENTITIES = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'", "&amp;": "&" };
  const ESCAPES = { "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "&": "&amp;" };
  const asText = (title) =>
    String(title ?? "")
      .replace(INLINE, "")
      .replace(/&(?:lt|gt|quot|#39|#x27|amp);/g, (entity) => ENTITIES[entity]);
  const escapeText = (text) => text.replace(/[<>"'&]/g, (c) => ESCAPES[c]);
  const titlesAsText = (results) =>
    results.map(([docName, title, anchor, descr, ...rest]) => [
      docName,
      escapeText(asText(title)),
      anchor,
      descr ? escapeText(asText(descr)) : descr,
      ...rest,
    ]);

  /* -- Wiring ----------------------------------------------------------------------------- */

  const summary = SUMMARIES[DOCUMENTATION_OPTIONS.LANGUAGE];
  const translated = Documentation.TRANSLATIONS[SUMMARY];
  if (summary && !(Array.isArray(translated) ? translated.some(Boolean) : translated))
    Documentation.TRANSLATIONS[SUMMARY] = [summary, summary];

  // searchtools.js looks these up at the time of each search: replacing them is enough.
  window.splitQuery = (query) =>
    Search._index
      ? splitIntoIndexWords(normalise(query))
      : normalise(query).split(WORDS).filter(Boolean);
  const parseQuery = Search._parseQuery;
  Search._parseQuery = (query) => {
    const parsed = parseQuery(normalise(query));
    const highlightTerms = parsed[3]; // the words as typed, lower case, not stemmed
    for (const word of highlightTerms) if (word.length < 2) highlightTerms.delete(word);
    queryWords = [...highlightTerms];
    // The result page highlights these. sphinx_highlight.js throws on a word inside one of
    // the theme's SVG icon titles ("Contents", "Light mode" …), present on every page.
    const icons = [...document.querySelectorAll("svg title")].map((t) => t.textContent);
    const lowerIcons = icons.map((title) => title.toLowerCase());
    const safe = queryWords.filter((word) => !lowerIcons.some((title) => title.includes(word)));
    if (SPHINX_HIGHLIGHT_ENABLED) localStorage.setItem("sphinx_highlight_terms", safe.join(" "));
    return parsed;
  };
  /** The summary sentence, as Sphinx writes it once the last result is shown. */
  const showSummary = (count) => {
    if (!Search.status) return;
    Search.status.innerText = count
      ? Documentation.ngettext(SUMMARY, SUMMARY_MANY, count).replace("${resultCount}", count)
      : Documentation.gettext(NOTHING);
  };

  const performSearch = Search._performSearch;
  Search._performSearch = (query, searchTerms, ...rest) => {
    const results = allWords(performSearch(query, searchTerms, ...rest), searchTerms);
    const shown = titlesAsText(onePerPage([...searchEntryWords(searchTerms), ...results]));
    showSummary(shown.length);
    return shown;
  };
  // searchtools.js fetches <content root><page><FILE_SUFFIX> for a snippet: the article alone.
  if (DOCUMENTATION_OPTIONS.BUILDER === "html") DOCUMENTATION_OPTIONS.FILE_SUFFIX = SNIPPET_SUFFIX;
  Search.makeSearchSummary = makeSummary;
})();

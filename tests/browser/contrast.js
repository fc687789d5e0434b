// Colour contrast measured in the page, for the elements axe-core leaves for review and those
// HTML_CodeSniffer fails (tests/browser/contrast.py). Evaluated once per page; defines
// window.sigContrast.
//
// The colours are the rendered ones: the text's computed colour composited over every
// background beneath it, from <html> down to the element, with alpha, element opacity and
// inset box shadows that fill the box (Bootstrap paints striped and state table cells so).
// Where a background image or gradient, a filter, an overlapping element or a pseudo-element
// lies under the text, styles cannot tell the colour: the text is then measured against the
// pixels a screenshot shows behind it, with all text on the page made transparent.
() => {
  if (window.sigContrast) return;

  const WHITE = { r: 255, g: 255, b: 255, a: 1 };
  const probe = document.createElement("canvas").getContext("2d", { willReadFrequently: true });

  function parse(text) {
    const match = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/.exec(text);
    if (match) {
      let alpha = match[4] === undefined ? 1 : parseFloat(match[4]);
      if (match[5]) alpha /= 100;
      return { r: +match[1], g: +match[2], b: +match[3], a: alpha };
    }
    if (text === "transparent") return { r: 0, g: 0, b: 0, a: 0 };
    // Any other syntax (color(), oklch(), ...): let the browser draw it and read the pixel.
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = "#000";
    probe.fillStyle = text;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
    return { r, g, b, a: a / 255 };
  }

  // `top` with its alpha over an opaque `bottom`.
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const withOpacity = (colour, backdrop, opacity) => over({ ...colour, a: opacity }, backdrop);

  function luminance({ r, g, b }) {
    const channel = (value) => {
      const v = value / 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  }
  function ratio(first, second) {
    const [light, dark] = [luminance(first), luminance(second)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  }
  const hex = ({ r, g, b }) =>
    "#" + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");

  // "rgb(1, 2, 3) 0px 0px 0px 9999px inset, ..." -> [{colour, inset, x, y, blur, spread}]
  function shadows(text) {
    if (!text || text === "none") return [];
    const parts = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")") depth--;
      else if (text[i] === "," && depth === 0) {
        parts.push(text.slice(start, i));
        start = i + 1;
      }
    }
    parts.push(text.slice(start));
    return parts.map((part) => {
      const colour = /[a-z-]+\([^)]*\)|#[0-9a-f]+|transparent/i.exec(part);
      const lengths = (part.replace(colour ? colour[0] : "", "").match(/-?[\d.]+px/g) || []).map(parseFloat);
      const [x = 0, y = 0, blur = 0, spread = 0] = lengths;
      return { colour: parse(colour ? colour[0] : "rgb(0, 0, 0)"), inset: /\binset\b/.test(part), x, y, blur, spread };
    });
  }

  function selector(element) {
    if (element.id && document.querySelectorAll(`#${CSS.escape(element.id)}`).length === 1) {
      return `#${CSS.escape(element.id)}`;
    }
    const steps = [];
    for (let node = element; node && node.nodeType === 1 && node !== document.documentElement; node = node.parentElement) {
      if (node.id && document.querySelectorAll(`#${CSS.escape(node.id)}`).length === 1) {
        steps.unshift(`#${CSS.escape(node.id)}`);
        break;
      }
      let step = node.localName;
      const classes = [...node.classList].slice(0, 2).map((name) => "." + CSS.escape(name)).join("");
      step += classes;
      const parent = node.parentElement;
      if (parent && [...parent.children].filter((child) => child.matches(step)).length > 1) {
        step += `:nth-child(${[...parent.children].indexOf(node) + 1})`;
      }
      steps.unshift(step);
    }
    return steps.join(" > ");
  }

  function textSize(style) {
    const size = parseFloat(style.fontSize);
    const weight = parseInt(style.fontWeight, 10) || (style.fontWeight === "bold" ? 700 : 400);
    // WCAG: large is at least 18 point, or 14 point bold (1pt = 4/3 CSS px).
    const large = size >= 24 - 0.01 || (size >= 56 / 3 - 0.01 && weight >= 700);
    return { size, weight, large, required: large ? 3 : 4.5 };
  }

  // The element's text colour and its background, composited from <html> down, with a reason
  // when a layer that styles cannot describe lies under the text.
  function computed(element) {
    const chain = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) chain.unshift(node);
    const text = parse(getComputedStyle(element).color);
    // `covered`: what lies under the text unknown to styles, until an opaque layer hides it;
    // `effect`: a filter or blend mode, which changes everything drawn inside it.
    const state = { covered: null, effect: null, opacity: 1 };
    const paint = (index, backdrop, withText) => {
      const node = chain[index];
      const style = getComputedStyle(node);
      const background = parse(style.backgroundColor);
      let colour = over(background, backdrop);
      if (background.a >= 1) state.covered = null;
      if (style.backgroundImage !== "none") state.covered = `background image on ${selector(node)}`;
      const box = node.getBoundingClientRect();
      for (const shadow of shadows(style.boxShadow).filter((s) => s.inset).reverse()) {
        if (shadow.colour.a === 0) continue;
        const fills = shadow.spread - shadow.blur - Math.max(Math.abs(shadow.x), Math.abs(shadow.y)) >= Math.max(box.width, box.height) / 2;
        if (fills) {
          colour = over(shadow.colour, colour);
          if (shadow.colour.a >= 1) state.covered = null;
        } else {
          state.covered = `inset shadow on ${selector(node)}`;
        }
      }
      if (style.filter !== "none" || style.mixBlendMode !== "normal" || (style.backdropFilter || "none") !== "none") {
        state.effect = `filter or blend mode on ${selector(node)}`;
      }
      if (index === chain.length - 1) {
        if (withText) colour = over(text, colour);
      } else {
        colour = paint(index + 1, colour, withText);
      }
      const opacity = parseFloat(style.opacity);
      if (withText) state.opacity *= opacity;
      return opacity < 1 ? withOpacity(colour, backdrop, opacity) : colour;
    };
    const foreground = paint(0, WHITE, true);
    const unknown = state.effect || state.covered;
    const opacity = state.opacity;
    const background = paint(0, WHITE, false);
    return { text, foreground, background, unknown, opacity };
  }

  // Where the element's own text is drawn, in page coordinates, cut to what scrolling boxes
  // and clipping leave visible.
  function textRects(element) {
    let rects = [];
    if (element.matches("input, select, textarea")) {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      const left = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
      const top = box.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop);
      const right = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
      const bottom = box.bottom - parseFloat(style.borderBottomWidth) - parseFloat(style.paddingBottom);
      rects.push({ left, top, right, bottom });
    } else {
      for (const node of element.childNodes) {
        if (node.nodeType !== 3 || !node.nodeValue.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        rects.push(...[...range.getClientRects()].map((r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom })));
      }
    }
    for (let node = element; node && node !== document.documentElement; node = node.parentElement) {
      const style = getComputedStyle(node);
      const clips = style.overflowX !== "visible" || style.overflowY !== "visible" || (style.clip && style.clip !== "auto");
      if (!clips) continue;
      const box = node.getBoundingClientRect();
      const left = box.left + node.clientLeft;
      const top = box.top + node.clientTop;
      const inner = style.clip && style.clip !== "auto"
        ? { left: box.left, top: box.top, right: box.left, bottom: box.top }
        : { left, top, right: left + node.clientWidth, bottom: top + node.clientHeight };
      rects = rects.map((r) => ({
        left: Math.max(r.left, inner.left),
        top: Math.max(r.top, inner.top),
        right: Math.min(r.right, inner.right),
        bottom: Math.min(r.bottom, inner.bottom),
      }));
    }
    return rects
      .map((r) => ({ left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY }))
      .filter((r) => Math.floor(r.right) - Math.ceil(r.left) >= 1 && Math.floor(r.bottom) - Math.ceil(r.top) >= 1);
  }

  function describe(element, how, foreground, background) {
    const size = textSize(getComputedStyle(element));
    return {
      selector: selector(element),
      how,
      foreground: hex(foreground),
      background: hex(background),
      ratio: ratio(foreground, background),
      ...size,
    };
  }

  // Elements to measure by pixels: {element, text, unknown, rects, result, revealed}.
  let pending = [];
  let scrolled = [];

  // Measure what styles can measure; keep the rest for measuring by pixels. `nodes` are axe's
  // targets with the reason axe gave ({target: [selector], key}); with `withHtmlcs` the
  // elements HTML_CodeSniffer failed on contrast are measured too. A result stands for an
  // element measured here, or is {pending: index} until sample() has measured it.
  function resolve(nodes, withHtmlcs) {
    pending = [];
    scrolled = [];
    const results = [];
    const seen = new Set();
    const elements = [];
    for (const node of nodes) {
      const element = node.target.length === 1 ? document.querySelector(node.target[0]) : null;
      if (!element) {
        results.push({ selector: node.target.join(" >>> "), how: "undecided", reason: "axe's target is not in the page (frame or shadow root)" });
        continue;
      }
      elements.push([element, node.key]);
    }
    if (withHtmlcs) {
      for (const message of window.sigHtmlcsMessages || []) {
        if (message.type === 1 && /1_4_3\.G(18|145)\./.test(message.code)) elements.push([message.element, "htmlcs"]);
      }
    }
    for (const [element, key] of elements) {
      if (seen.has(element)) continue;
      seen.add(element);
      const colours = computed(element);
      // axe's own reasons that styles alone cannot settle: something else under the text.
      const beneath = { bgOverlap: "an element overlaps it", pseudoContent: "a pseudo-element lies under it" }[key];
      const unknown = colours.unknown || beneath;
      if (!unknown) {
        results.push(describe(element, "computed", colours.foreground, colours.background));
        continue;
      }
      results.push({ pending: pending.length, selector: selector(element) });
      pending.push({ element, text: { ...colours.text, a: colours.text.a * colours.opacity }, unknown, rects: [], result: null, revealed: false });
    }
    locate();
    return results;
  }

  // Where the text of each element not yet measured is visible now; how many are.
  function locate() {
    let visible = 0;
    for (const item of pending) {
      if (item.result) continue;
      item.rects = textRects(item.element);
      if (item.rects.length) visible++;
    }
    return visible;
  }

  // Scroll the first element whose text is scrolled out of sight (in a wide table) into view,
  // as a person would to read it. False when there is none left to try.
  function reveal() {
    const item = pending.find((entry) => !entry.result && !entry.rects.length && !entry.revealed);
    if (!item) return false;
    item.revealed = true;
    for (let node = item.element.parentElement; node; node = node.parentElement) {
      if (node.scrollWidth > node.clientWidth || node.scrollHeight > node.clientHeight) {
        scrolled.push([node, node.scrollLeft, node.scrollTop]);
      }
    }
    scrolled.push([document.scrollingElement, scrollX, scrollY]);
    item.element.scrollIntoView({ block: "nearest", inline: "nearest" });
    return true;
  }

  const HIDE_TEXT = new CSSStyleSheet();
  HIDE_TEXT.replaceSync(
    "*, *::before, *::after, *::placeholder, *::marker { color: transparent !important;" +
      " -webkit-text-fill-color: transparent !important; text-shadow: none !important;" +
      " caret-color: transparent !important; transition: none !important; animation: none !important; }",
  );
  function hideText(hidden) {
    const others = document.adoptedStyleSheets.filter((sheet) => sheet !== HIDE_TEXT);
    document.adoptedStyleSheets = hidden ? [...others, HIDE_TEXT] : others;
  }

  // Measure the visible pending elements against a full-page screenshot (PNG, base64) taken
  // while all text was transparent: the lowest ratio over the pixels behind the text.
  async function sample(png) {
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }), {
      colorSpaceConversion: "none",
      premultiplyAlpha: "none",
    });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0);
    for (const item of pending) {
      if (item.result || !item.rects.length) continue;
      let worst = null;
      for (const rect of item.rects) {
        const left = Math.max(0, Math.ceil(rect.left));
        const top = Math.max(0, Math.ceil(rect.top));
        const right = Math.min(bitmap.width, Math.floor(rect.right));
        const bottom = Math.min(bitmap.height, Math.floor(rect.bottom));
        if (right <= left || bottom <= top) continue;
        const data = context.getImageData(left, top, right - left, bottom - top).data;
        for (let i = 0; i < data.length; i += 4) {
          const pixel = { r: data[i], g: data[i + 1], b: data[i + 2], a: 1 };
          const foreground = over(item.text, pixel);
          const value = ratio(foreground, pixel);
          if (!worst || value < worst.value) worst = { value, foreground, pixel };
        }
      }
      if (worst) item.result = describe(item.element, `measured from the rendered background (${item.unknown})`, worst.foreground, worst.pixel);
    }
  }

  // The pending elements' results once sampling is over; the scroll positions put back.
  function finish() {
    for (const [node, left, top] of scrolled.reverse()) node.scrollTo(left, top);
    scrolled = [];
    return pending.map((item) => {
      if (item.result) return item.result;
      // Left to HTML_CodeSniffer's verdict on the same element, if it reached one.
      const htmlcs = (window.sigHtmlcsMessages || [])
        .filter((message) => message.element === item.element && /1_4_3\./.test(message.code))
        .map((message) => message.code);
      return { selector: selector(item.element), how: "undecided", reason: `${item.unknown}, and none of its text is visible to measure`, htmlcs };
    });
  }

  // HTML_CodeSniffer's WCAG2AA run, kept for resolve(); errors and warnings for the report.
  function htmlcs() {
    return new Promise((done, fail) => {
      window.HTMLCS.process(
        "WCAG2AA",
        document,
        () => {
          const messages = window.HTMLCS.getMessages();
          window.sigHtmlcsMessages = messages;
          done(
            messages
              .filter((message) => message.type !== 3)
              .map((message) => ({
                type: message.type === 1 ? "error" : "warning",
                code: message.code,
                message: message.msg,
                selector: message.element && message.element.nodeType === 1 ? selector(message.element) : "(document)",
              })),
          );
        },
        () => fail(new Error("HTML_CodeSniffer could not run")),
        "en",
      );
    });
  }

  window.sigContrast = { resolve, locate, reveal, hideText, sample, finish, htmlcs };
};

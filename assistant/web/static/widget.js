/* 政府报告问答 widget: <script src="https://host/widget.js" data-title="…" data-color="#c00" [data-api="https://host"] [data-doc="report-id"] defer>
   A custom element with shadow DOM. Model and user text only ever reach the page as textContent. */
(() => {
  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const cfg = (script && script.dataset) || {};
  const API = (cfg.api || (script && script.src ? new URL(script.src, location.href).origin : location.origin)).replace(/\/+$/, '');
  const TITLE = cfg.title || '政府报告问答';
  const DOC = cfg.doc || null; // ask one report of the library (an id from /api/documents), or all of them
  const TAG = 'report-assistant';
  const BIG = 'report-assistant-big'; // the large-font choice is remembered across pages
  const RECENT = 12; // messages of history sent along: enough for follow-ups, far below the server's limit
  if (customElements.get(TAG)) return;

  const CSS = `
:host{all:initial;position:fixed;right:16px;bottom:16px;z-index:2147483000;font:17px/1.6 system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;color:#1a1a1a}
*{box-sizing:border-box;font:inherit}
button{cursor:pointer;border-radius:8px;border:2px solid transparent}
:focus-visible{outline:3px solid #0b4ea2;outline-offset:2px}
.launcher{display:flex;align-items:center;gap:8px;background:var(--c);color:var(--ink);padding:12px 18px;font-weight:700;box-shadow:0 4px 14px rgba(0,0,0,.3);border-radius:999px}
.launcher:focus-visible{outline-color:#000;box-shadow:0 0 0 6px #fff}
.panel{position:fixed;right:16px;bottom:84px;width:min(420px,calc(100vw - 32px));height:min(640px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;border:1px solid #999;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}
.panel[hidden]{display:none}
.panel.big{font-size:21px}
header{display:flex;align-items:center;gap:6px;padding:8px 10px;background:var(--c);color:var(--ink)}
h2{flex:1;margin:0;font-weight:700;font-size:1.05em}
header button{background:transparent;color:inherit;border-color:currentColor;min-width:44px;min-height:44px;padding:0 8px}
header button[aria-pressed=true]{background:var(--ink);color:var(--c)}
header :focus-visible{outline-color:var(--ink)}
.log{flex:1;overflow-y:auto;padding:12px;background:#f6f6f6}
.msg{margin:0 0 12px;padding:10px 12px;border-radius:10px;background:#fff;border:1px solid #d0d0d0;white-space:pre-wrap;overflow-wrap:anywhere}
.user{background:#eef3fb;border-color:#b7c7e0;margin-left:15%}
.note{margin:6px 0 0;padding:6px 8px;background:#fff7e0;border:1px solid #c89400;color:#5c4300;border-radius:6px}
.err{background:#fdecec;border-color:#c00;color:#8a0000}
a{color:#0b4ea2}
.cite{font-weight:700;text-decoration:none;padding:0 2px}
ol{margin:8px 0 0;padding:0;list-style:none;white-space:normal}
li{margin:6px 0 0;padding:6px 8px;border-left:4px solid var(--c);background:#fafafa;font-size:.9em}
.path{color:#444}
.doc{font-weight:700}
q{display:block;quotes:none;background:#fff3b0;margin:2px 0}
mark{background:#ffc233;color:inherit;font-weight:700}
.ans{white-space:normal}
.ans p{margin:0}
.ans b{font-weight:700}
.ans ol,.ans ul{margin:4px 0;padding-left:1.6em;list-style:revert}
.ans li{margin:4px 0 0;padding:0;border:0;background:none;font-size:1em}
.fb{margin-top:6px;display:flex;gap:6px}
.fb button,.chip{background:#fff;border-color:#767676;color:#1a1a1a;min-height:44px;padding:2px 12px}
.fb button[aria-pressed=true]{background:#1a1a1a;color:#fff}
.chip{display:block;width:100%;text-align:left;margin:6px 0 0}
form{display:flex;gap:6px;padding:8px;border-top:1px solid #ccc;background:#fff}
textarea{flex:1;resize:none;border:2px solid #767676;border-radius:8px;padding:8px;min-height:48px;color:#1a1a1a}
form button{background:var(--c);color:var(--ink);padding:0 16px;min-width:64px;font-weight:700}
form button:disabled{opacity:.6;cursor:wait}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:480px){:host{right:8px;bottom:8px}.panel{inset:0;width:100%;height:100%;border-radius:0;border:0}}`;

  const SKELETON = `<button class="launcher" type="button" aria-haspopup="dialog" aria-expanded="false" aria-controls="p"><svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg><span class="t"></span></button>
<section class="panel" id="p" role="dialog" aria-modal="false" aria-labelledby="h" hidden>
<header><h2 id="h" class="t"></h2><button type="button" class="big" aria-pressed="false" aria-label="A+ 大字模式">A+</button><button type="button" class="new" aria-label="清空对话">清空</button><button type="button" class="x" aria-label="关闭">✕</button></header>
<div class="log" role="log" aria-live="polite" aria-label="对话记录"></div>
<form><label class="sr" for="q">输入您的问题</label><textarea id="q" rows="2" placeholder="请输入问题，按回车发送"></textarea><button type="submit">发送</button></form>
</section>`;

  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  };

  // Black or white text, whichever reads better on the portal's colour (WCAG relative luminance).
  const inkOn = (rgb) => {
    const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) || [0, 0, 0]).slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#000' : '#fff';
  };

  // Server-sent events from a fetch body: yields {event, data} with data parsed as JSON.
  async function* events(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        buffer += decoder.decode(value || new Uint8Array(), { stream: !done }).replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length) yield { event, data: JSON.parse(data.join('\n')) };
        }
        if (done) return;
      }
    } finally {
      reader.cancel().catch(() => {}); // the caller may stop early, at the final answer
    }
  }

  const failure = (message) => Object.assign(new Error(message), { shown: true });

  async function httpError(response) {
    if (response.status === 429) return failure('请求太频繁，请稍后再试');
    const body = await response.json().catch(() => ({}));
    return failure(body.error || '服务暂时不可用，请稍后再试。');
  }

  class ReportAssistant extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      this.history = [];
      this.count = 0;
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = SKELETON; // static markup only; every piece of data below goes in as textContent
      root.prepend(el('style', '', CSS));
      this.$ = (sel) => root.querySelector(sel);
      root.querySelectorAll('.t').forEach((node) => { node.textContent = TITLE; });
      this.setColor(cfg.color || '#c00');
      this.launcher = this.$('.launcher');
      this.panel = this.$('.panel');
      this.log = this.$('.log');
      this.input = this.$('textarea');
      this.launcher.onclick = () => (this.panel.hidden ? this.open() : this.close());
      this.$('.x').onclick = () => this.close();
      this.$('.new').onclick = () => this.reset();
      this.$('.big').onclick = (e) => this.toggleBig(e.currentTarget);
      this.$('form').onsubmit = (e) => { e.preventDefault(); this.send(this.input.value); };
      this.input.onkeydown = (e) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.send(this.input.value); }
      };
      root.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !this.panel.hidden) this.close(); });
      try { if (localStorage.getItem(BIG) === '1') this.toggleBig(this.$('.big')); } catch { /* storage blocked */ }
    }

    setColor(value) {
      const probe = this.shadowRoot.appendChild(el('i'));
      probe.style.color = value; // an invalid colour is ignored by the browser, never injected
      const rgb = probe.style.color ? getComputedStyle(probe).color : 'rgb(204, 0, 0)';
      probe.remove();
      this.style.setProperty('--c', rgb);
      this.style.setProperty('--ink', inkOn(rgb));
    }

    open() {
      this.panel.hidden = false;
      if (this.several === undefined) {
        this.several = false; // name each source's report only when the library holds several
        fetch(`${API}/api/documents`).then((r) => r.json())
          .then((d) => { this.several = !DOC && (d.documents || []).length > 1; }).catch(() => {});
      }
      this.launcher.setAttribute('aria-expanded', 'true');
      if (!this.log.childElementCount) this.welcome();
      this.input.focus();
    }

    close() {
      this.panel.hidden = true;
      this.launcher.setAttribute('aria-expanded', 'false');
      this.launcher.focus();
    }

    toggleBig(button) {
      const on = this.panel.classList.toggle('big');
      button.setAttribute('aria-pressed', String(on));
      try { localStorage.setItem(BIG, on ? '1' : '0'); } catch { /* storage blocked */ }
    }

    reset() {
      this.history = [];
      this.log.replaceChildren();
      this.welcome();
      this.input.focus();
    }

    welcome() {
      const box = this.add(el('div', 'msg', '您好！我可以回答关于这份报告的问题，每条回答都标明出处。您可以直接提问，或点击下面的问题：'));
      fetch(`${API}/api/suggestions`).then((r) => (r.ok ? r.json() : {})).then(({ suggestions = [] }) => {
        for (const question of suggestions.slice(0, 4)) {
          const chip = box.appendChild(el('button', 'chip', question));
          chip.type = 'button';
          chip.onclick = () => this.send(question);
        }
      }).catch(() => {});
    }

    add(node) {
      this.log.append(node);
      this.log.scrollTop = this.log.scrollHeight;
      return node;
    }

    async send(raw) {
      const question = raw.trim();
      if (!question || this.busy) return;
      this.busy = true;
      this.$('form button').disabled = true;
      this.input.value = '';
      const shown = this.add(el('div', 'msg user', question));
      const bubble = this.add(el('div', 'msg'));
      bubble.setAttribute('aria-busy', 'true'); // announce the whole answer once, not every piece
      const text = bubble.appendChild(el('p', '', '正在查阅报告……'));
      text.style.margin = 0;
      const turn = { role: 'user', content: question };
      try {
        const final = await this.stream([...this.history.slice(-RECENT), turn], text);
        this.history.push(turn, { role: 'assistant', content: final.answer });
        this.render(bubble, text, final);
      } catch (error) {
        bubble.classList.add('err');
        text.textContent = error.shown ? error.message : '网络连接失败，请检查网络后重试。';
        this.input.value = this.input.value || question;
      } finally {
        bubble.removeAttribute('aria-busy');
        this.busy = false;
        this.$('form button').disabled = false;
        this.log.scrollTop = shown.offsetTop - this.log.offsetTop - 8; // read the answer from its start
        if (this.shadowRoot.activeElement === null && !this.panel.hidden) this.input.focus();
      }
    }

    async stream(messages, text) {
      const response = await fetch(`${API}/api/chat`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify({ messages, stream: true, ...(DOC ? { doc: DOC } : {}) }),
      });
      if (!response.ok) throw await httpError(response);
      let streamed = '';
      for await (const { event, data } of events(response)) {
        if (event === 'delta') {
          streamed += data.text || '';
          text.textContent = streamed;
        } else if (event === 'citations') return data;
        else if (event === 'error') throw failure(data.message || '回答出错了，请稍后再试。');
      }
      throw failure('回答中断了，请重试。');
    }

    // The final answer replaces the streamed text: markers become links to the passages below; list and
    // overview answers are drawn from their lines as real lists.
    render(bubble, text, final) {
      const n = ++this.count;
      const cited = new Map((final.citations || []).map((c) => [Number(c.n), c]));
      const cite = (node, k) => {
        const c = cited.get(Number(k));
        if (!c) { node.append(`[${k}]`); return; }
        const link = node.appendChild(el('a', 'cite', `[${c.n}]`));
        link.href = `#m${n}-${c.n}`;
        link.setAttribute('aria-label', `来源${c.n}`);
        link.onclick = (e) => {
          e.preventDefault();
          const target = this.shadowRoot.getElementById(`m${n}-${c.n}`);
          target.scrollIntoView({ block: 'nearest' });
          target.focus();
        };
      };
      const lines = final.lines || [];
      const tag = { list: 'ol', overview: 'ul' }[final.form];
      if (tag && lines.length) text.replaceWith(this.lines(final, tag, cite));
      else {
        text.replaceChildren();
        let last = 0;
        for (const match of final.answer.matchAll(/\[(\d{1,3})\]/g)) {
          text.append(final.answer.slice(last, match.index));
          last = match.index + match[0].length;
          cite(text, match[1]);
        }
        text.append(final.answer.slice(last));
      }
      if (final.refused) bubble.append(el('p', 'note', '未在报告中找到可靠依据，本次没有作答。'));
      if (final.notice) bubble.append(el('p', 'note', final.notice));
      if (cited.size) bubble.append(this.sources(n, [...cited.values()]));
      if (final.id && !final.refused) bubble.append(this.feedback(final.id));
    }

    // The section's point as a short bold line, its items as a list (numbered for a list), then 查看全部.
    lines(final, tag, cite) {
      const box = el('div', 'ans');
      let list = null;
      for (const line of final.lines) {
        let row;
        if (line.level) {
          list ||= box.appendChild(el(tag));
          row = list.appendChild(el('li'));
        } else {
          row = box.appendChild(el('p')).appendChild(el('b'));
          list = null;
        }
        row.append(line.text || '');
        for (const k of line.cites || []) cite(row, k);
      }
      const s = final.section;
      if (s && Number.isInteger(s.paragraph) && s.paragraph > 0) {
        box.appendChild(el('p')).append(this.reportLink(s.doc, s.paragraph, '查看全部'));
      }
      return box;
    }

    reportLink(doc, paragraph, label) {
      const link = el('a', '', label);
      link.href = `${API}/report?doc=${encodeURIComponent(doc || '')}#p${paragraph}`;
      link.target = '_blank';
      link.rel = 'noopener';
      return link;
    }

    sources(n, citations) {
      const list = el('ol');
      list.setAttribute('aria-label', '来源');
      for (const c of citations) {
        const item = list.appendChild(el('li'));
        item.id = `m${n}-${c.n}`;
        item.tabIndex = -1;
        item.append(el('b', '', `[${c.n}] `));
        if (this.several && c.title) item.append(el('span', 'doc', `${c.title} › `));
        item.append(el('span', 'path', c.section || ''));
        const quote = item.appendChild(el('q', '', c.quote || (c.text || '').slice(0, 80)));
        const at = c.highlight && c.quote ? c.quote.indexOf(c.highlight) : -1;
        if (at >= 0) { // the clause that answers, marked inside its sentence
          quote.replaceChildren(c.quote.slice(0, at), el('mark', '', c.highlight), c.quote.slice(at + c.highlight.length));
        }
        if (Number.isInteger(c.paragraph) && c.paragraph > 0) {
          item.append(this.reportLink(c.doc, c.paragraph, `查看报告原文第${c.paragraph}段`));
        }
      }
      return list;
    }

    feedback(id) {
      const row = el('div', 'fb');
      row.setAttribute('role', 'group');
      row.setAttribute('aria-label', '这个回答有帮助吗？');
      for (const [rating, label] of [['up', '有帮助'], ['down', '没帮助']]) {
        const button = row.appendChild(el('button', '', label));
        button.type = 'button';
        button.setAttribute('aria-pressed', 'false');
        button.onclick = () => {
          row.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
          fetch(`${API}/api/feedback`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ message_id: id, rating, comment: '' }),
          }).catch(() => {});
        };
      }
      return row;
    }
  }

  customElements.define(TAG, ReportAssistant);
  const mount = () => document.body.append(document.createElement(TAG));
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();

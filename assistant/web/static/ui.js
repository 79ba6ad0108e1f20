/* The Gradio page's own script (ui.py runs it once the page has loaded).
   A marker's href is "#src-T-N": scroll its passage into view ourselves, so the page does not jump
   and the passage takes focus for keyboard and screen-reader users. */
document.documentElement.lang = 'zh-CN';
if (!window.__reportPage) {
  window.__reportPage = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#src-"]');
    const target = link && document.getElementById(link.getAttribute('href').slice(1));
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    target.scrollIntoView({behavior: still ? 'auto' : 'smooth', block: 'center'});
    target.focus({preventScroll: true});
    target.classList.remove('flash');
    void target.offsetWidth;  // restart the animation
    target.classList.add('flash');
  }, true);
  // Gradio labels each message with its raw content, our markup included: let readers read the text.
  const unlabel = () => document.querySelectorAll('#chat [data-testid][aria-label]')
    .forEach((message) => message.removeAttribute('aria-label'));
  new MutationObserver(unlabel).observe(document.body,
    {subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label']});
}

// Behaviour the pages need beyond htmx, kept out of the HTML so the Content-Security-Policy
// can refuse inline script. Delegated from document: it keeps working across boosted swaps.

// 角色管理: a row's 全选 box sets every permission box of that row it may change.
document.addEventListener('change', function (e) {
  var box = e.target;
  if (!(box instanceof HTMLInputElement) || !box.hasAttribute('data-select-all')) return;
  box.closest('tr').querySelectorAll('input[name=permissions]:not(:disabled)').forEach(function (c) {
    c.checked = box.checked;
  });
});

// 接入密钥 (shown once): focusing the field selects the whole key for copying.
document.addEventListener('focusin', function (e) {
  var el = e.target;
  if (el instanceof HTMLInputElement && el.hasAttribute('data-select-on-focus')) el.select();
});

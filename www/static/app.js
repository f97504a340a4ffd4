/*
 * renrakucho — progressive enhancement only.  Every form and link works
 * without this file; it adds:
 *
 *  (a) an upload progress bar for forms with class "js-upload-progress"
 *      that contain a file input: the form is sent with XMLHttpRequest and,
 *      when the server answers, the page shows the server's response (the
 *      page the redirect led to, or the error page) exactly as a normal
 *      submission would have;
 *  (b) a confirmation dialog for any button, input or link that carries
 *      data-confirm="message".
 *
 * Plain ES2017, no libraries, no eval, no inline handlers (the CSP is
 * default-src 'self').
 */
(function () {
	'use strict';

	var MSG = {
		uploading: 'アップロード中です。画面を閉じずにお待ちください。',
		percent: function (p) {
			return 'アップロード中… ' + p + '%';
		},
		processing: 'アップロードが終わりました。サーバーで処理しています…',
		failed: '送信できませんでした。通信状況を確認して、もう一度「送信」を押してください。',
		tooLarge: function (max) {
			return '選択したファイルが大きすぎます（上限 ' + max + '）。' +
			    'ファイルを選び直してください。';
		},
		label: 'アップロードの進み具合'
	};

	/* The button that submitted a form, for browsers without
	 * SubmitEvent.submitter (Safari before 15.4). */
	var lastSubmitter = null;

	function isSubmitButton(el) {
		if (!el || !el.tagName)
			return false;
		var tag = el.tagName.toLowerCase();
		if (tag === 'button')
			return (el.getAttribute('type') || 'submit').toLowerCase() === 'submit';
		if (tag === 'input')
			return ['submit', 'image'].indexOf((el.type || '').toLowerCase()) !== -1;
		return false;
	}

	/* ---------- (b) data-confirm ---------- */

	function onClick(ev) {
		var t = ev.target;
		if (!t || !t.closest)
			return;
		var el = t.closest('[data-confirm]');
		if (el) {
			var msg = el.getAttribute('data-confirm');
			if (msg && !window.confirm(msg)) {
				ev.preventDefault();
				ev.stopPropagation();
				return;
			}
		}
		var btn = t.closest('button, input[type="submit"], input[type="image"]');
		if (isSubmitButton(btn))
			lastSubmitter = btn;
	}

	/* ---------- (a) upload with progress ---------- */

	function formatBytes(n) {
		if (n >= 1024 * 1024)
			return (Math.round(n / 1024 / 1024 * 10) / 10) + ' MB';
		if (n >= 1024)
			return Math.round(n / 1024) + ' KB';
		return n + ' バイト';
	}

	/* Optional client-side size check: <input type="file"
	 * data-max-bytes="10485760">.  The server checks again. */
	function oversizedFile(form) {
		var inputs = form.querySelectorAll('input[type="file"][data-max-bytes]');
		for (var i = 0; i < inputs.length; i++) {
			var max = parseInt(inputs[i].getAttribute('data-max-bytes'), 10);
			if (!(max > 0) || !inputs[i].files)
				continue;
			for (var j = 0; j < inputs[i].files.length; j++)
				if (inputs[i].files[j].size > max)
					return { input: inputs[i], max: max };
		}
		return null;
	}

	function makeProgress(form) {
		var old = form.querySelector('.upload-progress');
		if (old)
			old.parentNode.removeChild(old);

		var box = document.createElement('div');
		box.className = 'upload-progress';

		var text = document.createElement('p');
		text.setAttribute('role', 'status');
		text.setAttribute('aria-live', 'polite');
		text.textContent = MSG.uploading;

		var bar = document.createElement('progress');
		bar.max = 100;
		bar.value = 0;
		bar.setAttribute('aria-label', MSG.label);

		box.appendChild(text);
		box.appendChild(bar);

		/* Place it next to the buttons, where the user is looking. */
		var anchor = form.querySelector('.actions') ||
		    form.querySelector('button[type="submit"], input[type="submit"], button:not([type])');
		if (anchor && anchor.parentNode)
			anchor.parentNode.insertBefore(box, anchor.nextSibling);
		else
			form.appendChild(box);
		return { box: box, text: text, bar: bar, lastStep: -1 };
	}

	function setButtonsDisabled(form, disabled) {
		var btns = form.querySelectorAll('button, input[type="submit"], input[type="image"]');
		for (var i = 0; i < btns.length; i++) {
			if (disabled) {
				if (!btns[i].disabled) {
					btns[i].disabled = true;
					btns[i].setAttribute('data-upload-disabled', '');
				}
			} else if (btns[i].hasAttribute('data-upload-disabled')) {
				btns[i].disabled = false;
				btns[i].removeAttribute('data-upload-disabled');
			}
		}
	}

	function fail(form, ui, message) {
		ui.box.className = 'upload-progress upload-failed';
		ui.bar.hidden = true;
		ui.text.setAttribute('role', 'alert');
		ui.text.textContent = message;
		setButtonsDisabled(form, false);
		form.removeAttribute('data-uploading');
	}

	/* Show the server's answer as the browser would after a normal POST:
	 * the HTML replaces this document and the address bar shows the URL
	 * the redirect led to, so reload and bookmarks behave. */
	function showResponse(xhr) {
		var type = xhr.getResponseHeader('Content-Type') || '';
		var url = xhr.responseURL || '';
		if (type.toLowerCase().indexOf('text/html') === -1 ||
		    typeof xhr.responseText !== 'string' || xhr.responseText === '') {
			/* Not a page we can show in place: let the browser load it. */
			if (url)
				window.location.assign(url);
			else
				window.location.reload();
			return;
		}
		if (url && window.history && window.history.replaceState) {
			try {
				var u = new URL(url, window.location.href);
				if (u.origin === window.location.origin)
					window.history.replaceState(null, '', u.href);
			} catch (e) {
				/* keep the current URL */
			}
		}
		document.open();
		document.write(xhr.responseText);
		document.close();
		window.scrollTo(0, 0);
	}

	function onSubmit(ev) {
		var form = ev.target;
		if (!form || form.tagName.toLowerCase() !== 'form' ||
		    !form.classList.contains('js-upload-progress'))
			return;
		if (!form.querySelector('input[type="file"]'))
			return;
		/* Only multipart forms send files; leave anything else alone. */
		if ((form.enctype || '').toLowerCase() !== 'multipart/form-data')
			return;
		if (typeof window.FormData !== 'function' ||
		    typeof window.XMLHttpRequest !== 'function')
			return;
		if (ev.defaultPrevented)
			return;
		if ((form.getAttribute('method') || '').toLowerCase() !== 'post')
			return;

		ev.preventDefault();
		if (form.hasAttribute('data-uploading'))
			return;	/* a second click while the first is on its way */

		var ui = makeProgress(form);
		var big = oversizedFile(form);
		if (big) {
			fail(form, ui, MSG.tooLarge(formatBytes(big.max)));
			big.input.focus();
			return;
		}

		var data = new FormData(form);
		var submitter = ev.submitter || lastSubmitter;
		if (submitter && submitter.form === form && submitter.name)
			data.append(submitter.name, submitter.value || '');
		lastSubmitter = null;

		var action = (submitter && submitter.hasAttribute &&
		    submitter.hasAttribute('formaction')) ?
		    submitter.formAction : form.action;

		var xhr = new XMLHttpRequest();
		xhr.open('POST', action, true);
		xhr.setRequestHeader('Accept', 'text/html');

		xhr.upload.addEventListener('progress', function (e) {
			if (!e.lengthComputable || e.total === 0)
				return;
			var p = Math.min(100, Math.floor(e.loaded * 100 / e.total));
			ui.bar.value = p;
			/* Announce in steps of 10% so a screen reader is not flooded. */
			var step = Math.floor(p / 10);
			if (step !== ui.lastStep) {
				ui.lastStep = step;
				ui.text.textContent = MSG.percent(p);
			}
		});
		xhr.upload.addEventListener('load', function () {
			ui.bar.value = 100;
			ui.bar.removeAttribute('value');	/* indeterminate */
			ui.text.textContent = MSG.processing;
		});
		xhr.addEventListener('load', function () {
			if (xhr.status === 0) {
				fail(form, ui, MSG.failed);
				return;
			}
			showResponse(xhr);
		});
		xhr.addEventListener('error', function () {
			fail(form, ui, MSG.failed);
		});
		xhr.addEventListener('abort', function () {
			fail(form, ui, MSG.failed);
		});
		xhr.addEventListener('timeout', function () {
			fail(form, ui, MSG.failed);
		});

		form.setAttribute('data-uploading', '');
		setButtonsDisabled(form, true);
		xhr.send(data);
	}

	/* Capture phase: runs before any other handler can act on the click. */
	document.addEventListener('click', onClick, true);
	document.addEventListener('submit', onSubmit, false);
}());

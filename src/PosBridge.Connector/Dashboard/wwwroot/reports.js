// The owner's sales reports: plain DOM, charts drawn here as SVG, nothing from a CDN. The figures come from
// /dashboard/api/reports (the dashboard's sign-in); the page asks /reports/live every few seconds and fetches the
// report again as soon as a new sale is stored, without a reload.
(() => {
  'use strict';
  const API = '/dashboard/api';
  const LIVE_MS = 2000;

  const text = {
    en: {
      title: 'Sales reports', dashboard: 'Dashboard', language: 'العربية', live: 'Live', newSale: 'New sale',
      signInTitle: 'Sign in first', signInText: "The reports use the dashboard's sign-in.", signInLink: 'Sign in on the dashboard',
      store: 'Store', allStores: 'All stores', period: 'Period', today: 'Today', yesterday: 'Yesterday', week: 'This week', range: 'Dates…',
      from: 'From', to: 'To', show: 'Show', updated: 'Updated {0}',
      summary: 'How the period is going', noSales: 'No sales in this period yet.',
      days: '{0}: {1} to {2} (compared with {3} to {4})',
      sales: 'Sales', refunds: 'Refunds', discounts: 'Discounts', net: 'Net', tax: 'Tax', transactions: 'Transactions', basket: 'Average basket',
      weekEarlier: 'a week earlier: {0}',
      byHour: 'Sales by hour of the day', byDay: 'Sales by day', noChart: 'Nothing to draw yet.',
      products: 'Products', topQuantity: 'Most sold (quantity)', bottomQuantity: 'Least sold (quantity)', topRevenue: 'Most revenue', bottomRevenue: 'Least revenue',
      product: 'Product', quantity: 'Quantity', revenue: 'Revenue',
      categories: 'Categories', category: 'Category', uncategorised: 'Not in a category',
      payments: 'Payment mix', kind: 'Kind', method: 'Method', count: 'Count', amount: 'Amount', share: 'Share',
      fees: "Providers' fees (imported)", noFees: 'No fees imported for this period.',
      'kind:cash': 'Cash', 'kind:card': 'Card', 'kind:wallet': 'Wallet', 'kind:qr': 'QR / instant transfer', 'kind:customerAccount': 'Pay later',
      tills: 'Tills and cashiers', till: 'Till', cashier: 'Cashier', storeCol: 'Store',
      shifts: 'Z reports: cash over and short', shift: 'Shift', closed: 'Closed', cashTaken: 'Cash taken', expected: 'Expected', counted: 'Counted', overShort: 'Over / short',
      customers: 'Loyalty customers', newCustomers: 'New', returning: 'Returning', returningLong: 'counted for periods up to 3 months', pointsEarned: 'Points earned', pointsSpent: 'Points spent',
      undelivered: 'Not yet in the back offices', undeliveredText: 'These sales are counted here but have not reached the back office yet, so its figures are behind these.',
      backOffice: 'Back office', dead: 'Failed for good', allDelivered: 'Every sale has reached every back office.',
      none: 'Nothing in this period.', csv: 'Download', xlsx: 'Excel', currency: 'Currency',
      'p:network': 'The connector did not answer; is it running?',
    },
    ar: {
      title: 'تقارير المبيعات', dashboard: 'لوحة التحكم', language: 'English', live: 'مباشر', newSale: 'عملية بيع جديدة',
      signInTitle: 'سجّل الدخول أولًا', signInText: 'تستخدم التقارير تسجيل الدخول إلى اللوحة.', signInLink: 'سجّل الدخول من اللوحة',
      store: 'الفرع', allStores: 'كل الفروع', period: 'الفترة', today: 'اليوم', yesterday: 'أمس', week: 'هذا الأسبوع', range: 'تواريخ…',
      from: 'من', to: 'إلى', show: 'عرض', updated: 'حُدّث {0}',
      summary: 'كيف تسير الفترة', noSales: 'لا مبيعات في هذه الفترة بعد.',
      days: '{0}: من {1} إلى {2} (مقارنةً بـ {3} إلى {4})',
      sales: 'المبيعات', refunds: 'المرتجعات', discounts: 'الخصومات', net: 'الصافي', tax: 'الضريبة', transactions: 'العمليات', basket: 'متوسط السلة',
      weekEarlier: 'قبل أسبوع: {0}',
      byHour: 'المبيعات حسب ساعة اليوم', byDay: 'المبيعات حسب اليوم', noChart: 'لا شيء لرسمه بعد.',
      products: 'المنتجات', topQuantity: 'الأكثر مبيعًا (الكمية)', bottomQuantity: 'الأقل مبيعًا (الكمية)', topRevenue: 'الأعلى إيرادًا', bottomRevenue: 'الأقل إيرادًا',
      product: 'المنتج', quantity: 'الكمية', revenue: 'الإيراد',
      categories: 'الفئات', category: 'الفئة', uncategorised: 'بلا فئة',
      payments: 'طرق الدفع', kind: 'النوع', method: 'الطريقة', count: 'العدد', amount: 'المبلغ', share: 'النسبة',
      fees: 'رسوم مزوّدي الدفع (المستوردة)', noFees: 'لا رسوم مستوردة لهذه الفترة.',
      'kind:cash': 'نقدًا', 'kind:card': 'بطاقة', 'kind:wallet': 'محفظة', 'kind:qr': 'رمز الاستجابة السريعة / تحويل فوري', 'kind:customerAccount': 'الدفع الآجل',
      tills: 'الأجهزة والكاشيرات', till: 'الجهاز', cashier: 'الكاشير', storeCol: 'الفرع',
      shifts: 'تقارير الإغلاق: زيادة وعجز النقدية', shift: 'الوردية', closed: 'أُغلقت', cashTaken: 'النقدية المحصلة', expected: 'المتوقع', counted: 'المعدود', overShort: 'زيادة / عجز',
      customers: 'عملاء الولاء', newCustomers: 'جدد', returning: 'عائدون', returningLong: 'يُحسب لفترات حتى ثلاثة أشهر', pointsEarned: 'نقاط مكتسبة', pointsSpent: 'نقاط مستبدلة',
      undelivered: 'ما لم يصل بعد إلى الأنظمة الخلفية', undeliveredText: 'هذه المبيعات محسوبة هنا ولم تصل بعد إلى النظام الخلفي، فأرقامه متأخرة عن هذه.',
      backOffice: 'النظام الخلفي', dead: 'فشلت نهائيًا', allDelivered: 'وصلت كل المبيعات إلى كل الأنظمة الخلفية.',
      none: 'لا شيء في هذه الفترة.', csv: 'تنزيل', xlsx: 'إكسل', currency: 'العملة',
      'p:network': 'لم يرد الموصل؛ هل هو يعمل؟',
    },
  };

  let lang = localStorage.getItem('posbridge-dashboard-lang') === 'ar' ? 'ar' : 'en';
  let report = null;
  let stores = [];
  let lastSale = null;
  let timer = null;

  const $ = (test) => document.querySelector(`[data-test="${test}"]`);
  const t = (key, ...args) => (text[lang][key] ?? text.en[key] ?? key).replace(/\{(\d)\}/g, (_, i) => args[Number(i)]);
  // Arabic in the store's digits (PosBridge:Stores:<id>:Digits); every store at once in Latin digits only when all use them.
  const digits = (storeId) => {
    const one = stores.find((s) => s.storeId === storeId);
    if (one) return one.digits;
    return stores.length > 0 && stores.every((s) => s.digits === 'latin') ? 'latin' : 'arabic';
  };
  const locale = (storeId) => (lang === 'ar' ? (digits(storeId ?? report?.storeId) === 'latin' ? 'ar-EG-u-nu-latn' : 'ar-EG-u-nu-arab') : 'en-GB');
  const num = (n, storeId) => new Intl.NumberFormat(locale(storeId), { maximumFractionDigits: 3 }).format(Number(n));
  const money = (currency, value, storeId) => {
    try {
      return new Intl.NumberFormat(locale(storeId), { style: 'currency', currency }).format(Number(value));
    } catch {
      return `${currency} ${num(value, storeId)}`;
    }
  };
  const currencyName = (code) => {
    try { return new Intl.DisplayNames([locale()], { type: 'currency' }).of(code); } catch { return code; }
  };
  const day = (iso, options = { day: 'numeric', month: 'short' }, storeId = undefined) => new Intl.DateTimeFormat(locale(storeId), { ...options, timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
  const instant = (iso, storeId) => new Intl.DateTimeFormat(locale(storeId), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const svg = (tag, attrs = {}, ...children) => {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  };
  // Ids, names and codes as they came from tills and back offices: shown as written, isolated from the page's direction.
  const raw = (value) => el('bdi', { dir: 'auto' }, value);

  function say(message) {
    const box = $('message');
    box.textContent = message || '';
    box.hidden = !message;
  }

  function query() {
    const p = new URLSearchParams();
    if ($('store').value) p.set('store', $('store').value);
    p.set('period', $('period').value);
    if ($('period').value === 'range') {
      p.set('from', $('from').value);
      p.set('to', $('to').value);
    }
    return p.toString();
  }

  async function get(path) {
    let response;
    try {
      response = await fetch(API + path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    } catch {
      throw new Error(t('p:network'));
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    const error = new Error(data.detail || data.title || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }

  async function load() {
    try {
      report = await get(`/reports?${query()}`);
      lastSale = report.lastSale;
      if (stores.length === 0) stores = report.stores;
      say('');
      render();
    } catch (e) {
      if (e.status === 401) return signedOut();
      say(e.message);
    }
  }

  async function poll() {
    try {
      const live = await get('/reports/live');
      $('live').hidden = false;
      if (lastSale !== null && live.lastSale !== lastSale) {
        await load();
        const mark = $('live');
        mark.textContent = t('newSale');
        mark.classList.add('flash');
        setTimeout(() => { mark.textContent = t('live'); mark.classList.remove('flash'); }, 4000);
      }
    } catch (e) {
      if (e.status === 401) signedOut();
    }
  }

  function signedOut() {
    clearInterval(timer);
    $('reports').hidden = true;
    $('live').hidden = true;
    $('signed-out').hidden = false;
  }

  function table(test, columns, rows, storeOf) {
    if (rows.length === 0) return el('p', { class: 'empty', 'data-test': `${test}-empty` }, t('none'));
    return el('div', { class: 'table-wrap' }, el('table', { 'data-test': test },
      el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, t(c.label))))),
      el('tbody', {}, rows.map((row) => el('tr', { 'data-test': `${test}-row` }, columns.map((c) => {
        const value = c.value(row, storeOf ? storeOf(row) : undefined);
        return el('td', { 'data-label': t(c.label), class: c.num ? 'num' : null, 'data-col': c.label }, value);
      }))))));
  }

  function tile(name, value, before, test, currency, change) {
    const delta = change === null ? null : el('span', { class: change >= 0 ? 'up' : 'down' }, ` ${change >= 0 ? '▲' : '▼'} ${num(Math.abs(change))}%`);
    return el('div', { class: 'tile', 'data-test': test, 'data-currency': currency },
      el('div', { class: 'name' }, t(name)),
      el('div', { class: 'value', 'data-test': `${test}-value` }, value),
      el('div', { class: 'before' }, t('weekEarlier', before), delta));
  }

  const change = (now, before) => (Number(before) === 0 ? null : Math.round(((Number(now) - Number(before)) / Math.abs(Number(before))) * 1000) / 10);

  function renderSummary() {
    const box = $('summary');
    // The week-earlier figures show even when the period has no sale yet.
    $('no-sales').hidden = report.summary.some((s) => s.current.transactions > 0);
    box.replaceChildren(...report.summary.map((s) => {
      const c = s.currency, now = s.current, before = s.weekEarlier;
      const m = (key) => tile(key === 'average' ? 'basket' : key, money(c, now[key === 'average' ? 'averageBasket' : key]), money(c, before[key === 'average' ? 'averageBasket' : key]), `summary-${key}`, c, change(now[key === 'average' ? 'averageBasket' : key], before[key === 'average' ? 'averageBasket' : key]));
      return el('div', { class: 'currency', 'data-test': 'currency-summary', 'data-currency': c },
        el('h3', {}, currencyName(c)),
        el('div', { class: 'tiles' },
          m('net'), m('sales'), m('refunds'), m('discounts'), m('tax'),
          tile('transactions', num(now.transactions), num(before.transactions), 'summary-transactions', c, change(now.transactions, before.transactions)),
          m('average')));
    }));
    // The store's name isolated, so an Arabic name in an English sentence (or the reverse) keeps its place.
    $('days').replaceChildren(...report.stores.map((s, i) => el('span', {}, i > 0 ? ' · ' : '', el('bdi', { dir: 'auto' }, s.name),
      t('days', '', day(s.from, undefined, s.storeId), day(s.to, undefined, s.storeId), day(s.compareFrom, undefined, s.storeId), day(s.compareTo, undefined, s.storeId)))));
  }

  // A bar chart as SVG: one bar per point, labelled below; the values' scale is the largest bar.
  function chart(test, points, label) {
    if (points.length === 0) return el('p', { class: 'empty' }, t('noChart'));
    const width = 600, height = 220, bottom = 28, top = 18, gap = 2;
    const max = Math.max(...points.map((p) => Math.abs(p.value)), 1);
    const step = width / points.length;
    const every = Math.ceil(points.length / 12);
    const root = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'data-test': test, 'aria-label': t(test === 'hours' ? 'byHour' : 'byDay'), direction: 'ltr' });
    root.append(svg('line', { class: 'axis', x1: 0, x2: width, y1: height - bottom, y2: height - bottom }));
    points.forEach((p, i) => {
      const h = Math.max(1, (Math.abs(p.value) / max) * (height - bottom - top));
      const x = (lang === 'ar' ? points.length - 1 - i : i) * step;
      const bar = svg('rect', { class: 'bar-rect', x: x + gap, y: height - bottom - h, width: Math.max(1, step - 2 * gap), height: h, 'data-test': 'chart-bar', 'data-value': p.value });
      bar.append(svg('title', {}, `${label(p)}: ${p.text}`));
      root.append(bar);
      if (i % every === 0) root.append(svg('text', { x: x + step / 2, y: height - 10, 'text-anchor': 'middle' }, label(p)));
    });
    root.append(svg('text', { x: lang === 'ar' ? width - 4 : 4, y: 12, 'text-anchor': lang === 'ar' ? 'end' : 'start' }, points.find((p) => Math.abs(p.value) === max)?.text ?? ''));
    return root;
  }

  function renderCharts() {
    // One chart per currency; hours of the day 0–23 always, so a quiet hour shows as a gap.
    const currencies = [...new Set([...report.hours.map((h) => h.currency), ...report.days.map((d) => d.currency)])];
    $('hour-chart').replaceChildren(...currencies.map((c) => {
      const byHour = new Map(report.hours.filter((h) => h.currency === c).map((h) => [h.hour, h]));
      const points = Array.from({ length: 24 }, (_, hour) => ({ hour, value: Number(byHour.get(hour)?.net ?? 0), text: money(c, byHour.get(hour)?.net ?? 0) }));
      return el('div', { 'data-currency': c }, currencies.length > 1 ? el('h3', {}, currencyName(c)) : null, chart('hours', points, (p) => num(p.hour)));
    }));
    $('day-chart').replaceChildren(...currencies.map((c) => {
      const points = report.days.filter((d) => d.currency === c).map((d) => ({ day: d.day, value: Number(d.net), text: money(c, d.net) }));
      return el('div', { 'data-currency': c }, currencies.length > 1 ? el('h3', {}, currencyName(c)) : null, chart('days', points, (p) => day(p.day)));
    }));
  }

  function renderProducts() {
    const columns = [
      { label: 'product', value: (p) => raw(p.name) },
      { label: 'quantity', value: (p) => num(p.quantity), num: true },
      { label: 'revenue', value: (p) => money(p.currency, p.revenue), num: true },
    ];
    const lists = [['topQuantity', 'topByQuantity'], ['bottomQuantity', 'bottomByQuantity'], ['topRevenue', 'topByRevenue'], ['bottomRevenue', 'bottomByRevenue']];
    $('products').replaceChildren(...lists.map(([title, key]) => el('div', {}, el('h3', {}, t(title)), table(`products-${key}`, columns, report.products[key]))));
  }

  function render() {
    if (!report) return;
    renderSummary();
    renderCharts();
    renderProducts();
    const kind = (k) => t(`kind:${k}`);
    $('categories').replaceChildren(table('categories', [
      { label: 'category', value: (c) => (c.categoryId ? raw(c.name) : t('uncategorised')) },
      { label: 'quantity', value: (c) => num(c.quantity), num: true },
      { label: 'revenue', value: (c) => money(c.currency, c.revenue), num: true },
    ], report.categories));
    const paid = {};
    for (const p of report.payments) paid[p.currency] = (paid[p.currency] ?? 0) + Number(p.amount);
    $('payments').replaceChildren(table('payments', [
      { label: 'kind', value: (p) => kind(p.kind) },
      { label: 'method', value: (p) => raw(p.methodId) },
      { label: 'count', value: (p) => num(p.count), num: true },
      { label: 'amount', value: (p) => money(p.currency, p.amount), num: true },
      { label: 'share', value: (p) => `${num(paid[p.currency] ? Math.round((Number(p.amount) / paid[p.currency]) * 1000) / 10 : 0)}%`, num: true },
    ], report.payments));
    $('fees').replaceChildren(report.fees.length === 0 ? el('p', { class: 'empty' }, t('noFees')) : table('fees', [
      { label: 'storeCol', value: (f) => raw(f.storeId) },
      { label: 'method', value: (f) => raw(f.methodId) },
      { label: 'count', value: (f, s) => num(f.count, s), num: true },
      { label: 'amount', value: (f, s) => money(f.currency, f.amount, s), num: true },
    ], report.fees, (f) => f.storeId));
    $('tills').replaceChildren(table('tills', [
      { label: 'storeCol', value: (r) => raw(r.storeId) },
      { label: 'till', value: (r) => raw(r.tillId) },
      { label: 'cashier', value: (r) => raw(r.cashierName) },
      { label: 'transactions', value: (r, s) => num(r.saleCount + r.refundCount, s), num: true },
      { label: 'sales', value: (r, s) => money(r.currency, r.sales, s), num: true },
      { label: 'refunds', value: (r, s) => money(r.currency, r.refunds, s), num: true },
      { label: 'discounts', value: (r, s) => money(r.currency, r.discounts, s), num: true },
      { label: 'net', value: (r, s) => money(r.currency, r.net, s), num: true },
    ], report.tills, (r) => r.storeId));
    $('shifts').replaceChildren(table('shifts', [
      { label: 'storeCol', value: (z) => raw(z.storeId) },
      { label: 'till', value: (z) => raw(z.tillId) },
      { label: 'shift', value: (z) => raw(z.shiftId) },
      { label: 'closed', value: (z, s) => instant(z.closedAt, s) },
      { label: 'transactions', value: (z, s) => num(z.saleCount, s), num: true },
      { label: 'cashTaken', value: (z, s) => money(z.currency, z.cashTaken, s), num: true },
      { label: 'expected', value: (z, s) => money(z.currency, z.expectedCash, s), num: true },
      { label: 'counted', value: (z, s) => money(z.currency, z.countedCash, s), num: true },
      { label: 'overShort', value: (z, s) => el('span', { class: Number(z.overShort) < 0 ? 'short' : Number(z.overShort) > 0 ? 'over' : null }, money(z.currency, z.overShort, s)), num: true },
    ], report.shifts, (z) => z.storeId));
    $('customers').replaceChildren(table('customers', [
      { label: 'currency', value: (c) => currencyName(c.currency) },
      { label: 'newCustomers', value: (c) => num(c.newCustomers), num: true },
      { label: 'returning', value: (c) => (c.returningCustomers === null ? t('returningLong') : num(c.returningCustomers)), num: true },
      { label: 'transactions', value: (c) => num(c.sales), num: true },
      { label: 'net', value: (c) => money(c.currency, c.net), num: true },
      { label: 'pointsEarned', value: (c) => num(c.pointsEarned), num: true },
      { label: 'pointsSpent', value: (c) => num(c.pointsSpent), num: true },
    ], report.customers));
    $('undelivered').replaceChildren(report.undelivered.length === 0 ? el('p', { class: 'empty', 'data-test': 'all-delivered' }, t('allDelivered')) : table('undelivered', [
      { label: 'backOffice', value: (u) => raw(u.adapter) },
      { label: 'storeCol', value: (u) => raw(u.storeId) },
      { label: 'count', value: (u, s) => num(u.count, s), num: true },
      { label: 'amount', value: (u, s) => money(u.currency, u.amount, s), num: true },
      { label: 'dead', value: (u, s) => num(u.deadLetters, s), num: true },
    ], report.undelivered, (u) => u.storeId));
    for (const holder of document.querySelectorAll('.downloads')) {
      const name = holder.dataset.table;
      holder.replaceChildren(...['csv', 'xlsx'].map((format) => el('a', {
        href: `${API}/reports/tables/${name}.${format}?${query()}`, download: '', 'data-test': `download-${name}-${format}`,
      }, t(format), ' ', el('bdi', { dir: 'ltr' }, format.toUpperCase()))));
    }
    $('updated').textContent = t('updated', new Intl.DateTimeFormat(locale(), { timeStyle: 'medium' }).format(new Date(report.generatedAt)));
  }

  function fillStores() {
    const select = $('store');
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, t('allStores')), ...stores.map((s) => el('option', { value: s.storeId }, s.name)));
    select.value = chosen;
  }

  function setLanguage(next) {
    lang = next === 'ar' ? 'ar' : 'en';
    localStorage.setItem('posbridge-dashboard-lang', lang);
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
    document.title = t('title');
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    $('language').textContent = t('language');
    fillStores();
    render();
  }

  document.addEventListener('DOMContentLoaded', async () => {
    $('language').addEventListener('click', () => setLanguage(lang === 'ar' ? 'en' : 'ar'));
    $('period').addEventListener('change', () => {
      const range = $('period').value === 'range';
      $('from-label').hidden = !range;
      $('to-label').hidden = !range;
    });
    $('filters').addEventListener('submit', (e) => { e.preventDefault(); load(); });
    setLanguage(lang);
    try {
      report = await get('/reports');
    } catch (e) {
      if (e.status === 401) return signedOut();
      say(e.message);
      return;
    }
    stores = report.stores;
    lastSale = report.lastSale;
    $('reports').hidden = false;
    fillStores();
    render();
    timer = setInterval(poll, LIVE_MS);
    poll();
  });

  window.posbridgeReports = { setLanguage, load };
})();

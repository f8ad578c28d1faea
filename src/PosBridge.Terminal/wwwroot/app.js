// The cashier screen. It draws what the till engine answers and computes no money: every action goes
// to the till process, which answers with the whole state. The cart lives in the till's database, so a
// reload, a language switch or a browser crash finds it where it was.
'use strict';

const T = {
  en: {
    scanOrSearch: 'Scan a barcode or search', menu: 'Menu', back: 'Back', emptyCart: 'Scan or tap a product to start a sale.',
    untaxed: 'Before tax', tax: 'Tax', discount: 'Discount', sale: 'Sale', products: 'Products', pay: 'Pay', items: 'items',
    openShift: 'Open shift', openingFloat: 'Cash in the drawer (float)', amountDue: 'Due', remaining: 'Remaining',
    tendered: 'Cash received', takeCash: 'Take cash', amount: 'Amount', cancel: 'Cancel', transferRef: 'Transfer reference',
    confirmTransfer: 'Confirm transfer', undoCash: 'Give the cash back', saleDone: 'Sale complete', change: 'Change', total: 'Total',
    saleNumber: 'Sale', newSale: 'New sale', setQuantity: 'Set quantity', discountPercent: 'Discount %', applyDiscount: 'Apply discount',
    newPrice: 'New unit price', overridePrice: 'Change price (manager)', remove: 'Remove line', managerPin: 'Manager PIN', ok: 'OK',
    xReport: 'X report (running)', cashIn: 'Cash in', cashOut: 'Cash out (manager)', clearSale: 'Clear this sale', closeShift: 'Close shift',
    reason: 'Reason', countedCash: 'Cash counted in the drawer', login: 'Till PIN', online: 'Online', offline: 'Offline',
    waiting: 'waiting', notPaired: 'not paired', cash: 'Cash', card: 'Card', wallet: 'Wallet', qr: 'QR / transfer', charge: 'Charge',
    chargeCard: 'Charge card', chargeWallet: 'Charge wallet', needsNetwork: 'Provider offline', exact: 'Exact', shift: 'Shift', all: 'All',
    results: 'Results for', noResults: 'Nothing found for', paidBy: 'Paid', zReport: 'Z report — shift closed', xTitle: 'X report — shift running',
    sales: 'Sales', refunds: 'Refunds', discounts: 'Discounts', taxes: 'Taxes', payments: 'Payments by method', drawer: 'Drawer',
    float: 'Opening float', cashSales: 'Cash from sales', expected: 'Expected cash', counted: 'Counted', difference: 'Difference',
    base: 'Base', count: 'Count', warnOld: (n, age) => `${n} sales have waited ${age} to upload. Check the connection.`,
    tillDown: 'The till is not answering', pinFor: { price: 'to change a price', cashout: 'to take cash out' },
    errors: {
      'not-found': 'No product with this code.', 'bad-barcode': 'Misread barcode — scan again.', 'no-shift': 'Open a shift first.',
      'offline': 'Offline: take cash.', 'declined': 'Declined.', 'cancelled': 'Cancelled.', 'timed-out': 'The card reader did not answer.',
      'pin-wrong': 'Wrong PIN.', 'pin-locked': 'Too many wrong PINs. Wait a minute.', 'has-payments': 'A card payment is in this sale; finish it.',
      'cart-not-empty': 'Finish or clear the sale first.', 'shift-open': 'A shift is already open.', 'reason': 'Say why.',
      'sale-not-found': 'No sale with this receipt on this till.',
      'printer-none': 'No printer is set up on this till: send the receipt instead.', 'printer-offline': 'The printer is off or not connected.',
      'printer-timeout': 'The printer did not answer: check paper and power, then try again.', 'bad-email': 'That is not an e-mail address.',
      'bad-phone': 'Type the number with + and the country code.', 'search-empty': 'Type something to search for.', 'invalid': 'Check what you typed.',
      'customer-how': 'Type a phone number or a card code.', 'customer-not-found': 'No customer found.', 'nfc-unavailable': 'The NFC reader cannot be used.',
      'nfc-timeout': 'No card was tapped.', 'has-account-payment': 'Part of the sale is on the account: take it back first.',
      'no-customer': 'Attach the customer first.', 'no-program': 'No loyalty program on this till: pull the catalog.', 'unknown-reward': 'This reward is not in the program.',
      'reward-on': 'One reward per sale: take the other off first.', 'cart-empty': 'Add what the customer buys first.', 'points-short': 'Not enough points for this reward.',
      'nothing-to-discount': 'Nothing left to discount on this sale.', 'too-few-points': 'Below the reward\'s minimum points.', 'product-not-sold': 'This till does not sell the reward\'s product.',
      'not-at-till': 'The back office gives this reward, not the till.', 'reward-line': 'This line is a reward: take the reward off instead.',
      'promo-none': 'Type or scan the code.', 'promo-unknown': 'No promotion has this code: check it.', 'promo-is-card': 'This is a loyalty card: attach the customer with it.',
      'promo-back-office': 'Single-use coupons need the back office; not accepted at the till yet.', 'promo-on': 'A promotion code is already on this sale.'
    },
    notices: { 'cash-returned': 'Cash payment taken back: the total changed.', 'cash-in': 'Cash in recorded.', 'cash-out': 'Cash out recorded.',
      'cash-taken': 'Cash taken.', 'approved': 'Approved', 'transfer-recorded': 'Transfer recorded.', 'refunded': 'Refunded.',
      'customer-attached': 'Customer attached.', 'reward-applied': 'Reward applied.', 'reward-dropped': 'The reward no longer applies and was taken off.',
      'charged-to-account': 'Charged to the account.', 'promo-applied': 'Promotion applied.', 'promo-removed': 'Promotion code taken off.',
      'promo-dropped': 'The promotion\'s rule is no longer met: the code was taken off.',
      'buyer-attached': 'Business customer added: this sale gets a tax invoice.' },
    units: { kg: 'kg', Units: '' }, seconds: 's', minutes: 'min',
    refund: 'Refund (manager)', receipt: 'Receipt', receiptCode: 'Scan the receipt or type its number', find: 'Find',
    refundNow: 'Refund', giveBack: 'Give back', refundDone: 'Refund complete', left: 'left', toOriginal: 'To the original payment', inCash: 'In cash',
    pinForRefund: 'to refund', print: 'Print', send: 'Send', sendReceipt: 'Send the receipt', sms: 'SMS', email: 'E-mail',
    phoneHint: '+20 100 123 4567', emailHint: 'name@example.com', printed: 'Receipt printed.',
    queued: (to) => `Receipt queued for ${to}: the connector sends it when the till is online.`,
    camera: 'Scan with the camera', cameraNoAccess: 'The camera cannot be used here.', searchSales: 'Find the sale (number, customer, date, amount)',
    saleDate: 'Date', search: 'Search sales', more: 'More results', noSales: 'No sale matches.', lines: (n) => `${n} ${n === 1 ? 'line' : 'lines'}`,
    unreachable: 'Connector unreachable', offlinePaused: 'Offline, paused', circuitOpen: 'Connector unreachable · paused', noNetwork: 'No network', local: 'This till only',
    receiptsWaiting: (n) => `${n} receipt messages waiting to go`,
    addCustomer: 'Customer / loyalty card', removeCustomer: 'Take the customer off', customerPhone: 'Phone number', findByPhone: 'Find by phone',
    cardCode: 'Loyalty card code', findByCard: 'Find by card', tapCard: 'Tap the card on the reader', tapWaiting: 'Hold the card to the reader…',
    spendPoints: 'Spend points', removeReward: 'Take the reward off', later: 'Pay later', customeraccount: 'On account', needsCustomer: 'Attach a customer',
    chargeAccount: 'Charge to the account', onAccountOf: (name) => `Charged to ${name}'s account, paid later.`,
    pointsLine: (bal, earn) => [`${bal} points`, `earns ${earn}`], balanceLine: (name, bal) => `${name} has ${bal} points`,
    needMore: (n) => `${n} more points needed`, costs: (n) => `${n} points`,
    pointsDone: (earned, spent) => [earned ? `+${earned} points earned` : '', spent ? `${spent} points spent` : ''].filter(Boolean),
    noRewards: 'This program has no rewards.', noProgram: 'No loyalty program on this till.', rewardLine: 'Reward',
    promoCode: 'Promotion code', promoHint: 'The code the customer gives', applyPromo: 'Apply the code', removePromo: 'Take the promotion code off',
    taxAuthority: 'Tax authority (ZATCA)', zatcaOtp: 'OTP from the Fatoora portal', zatcaOnboard: 'Onboard this till',
    zatcaOff: 'ZATCA is not set up on this till.', zatcaNot: 'Not onboarded: sales are refused until the owner types the OTP from the Fatoora portal.',
    zatcaUntil: (d) => `Onboarded with ZATCA until ${d}.`, zatcaRenew: 'Renew soon: get a new OTP and onboard again.',
    zatcaCounts: (issued, waiting, notCleared) => `${issued} invoices issued, ${waiting} waiting to go to the connector` + (notCleared ? `, ${notCleared} tax invoices not cleared` : '') + '.',
    zatcaDone: 'This till is onboarded with ZATCA.',
    zatcaErr: { otp: 'Type the OTP the Fatoora portal shows (digits only).', 'manager-pin': 'A manager\'s PIN is needed.', 'not-paired': 'The till is not paired with a connector: pair it first.', offline: 'The connector cannot be reached: try again (the same OTP works until it expires).', 'zatca-off': 'ZATCA is not set up on this till.' },
    b2b: 'Business customer (tax invoice)', b2bHint: 'A tax invoice is cleared by ZATCA before it is given to the buyer.',
    b2bName: 'Buyer\'s registered name', b2bVat: 'VAT number (15 digits)', b2bStreet: 'Street', b2bBuilding: 'Building number (4 digits)',
    b2bDistrict: 'District', b2bCity: 'City', b2bPostal: 'Postal code (5 digits)', b2bSave: 'Issue a tax invoice to this buyer',
    b2bErr: {
      vatNumber: 'VAT number: 15 digits that start and end with 3, as on the buyer\'s VAT certificate.', name: 'Name: the buyer\'s registered name.',
      streetName: 'Street: the street of the buyer\'s national address.', buildingNumber: 'Building number: the 4 digits of the national address.',
      citySubdivision: 'District: the district of the national address.', city: 'City: the city of the national address.',
      postalZone: 'Postal code: the 5 digits of the national address.', 'simplified-only': 'This till issues simplified invoices only: the owner sets invoice types 1100 and onboards it again.',
      'zatca-off': 'ZATCA is not set up on this till.'
    },
    taxInvoiceFor: (vat) => `Tax invoice · VAT ${vat}`,
    clearance: {
      asking: 'Asking ZATCA to clear the tax invoice…', cleared: 'Cleared by ZATCA: the tax invoice can be printed or sent.',
      report: 'ZATCA has switched clearance off for now: give the tax invoice as signed; it is reported within 24 hours.',
      'not-cleared': 'ZATCA did not clear this tax invoice, so it must not be given: check the buyer\'s VAT number and address and sell again, or issue a simplified invoice instead.',
      offline: 'Not cleared: the connector or ZATCA cannot be reached now. Do not give this tax invoice yet. Ask for clearance again when the connector answers, or issue a simplified invoice instead.',
      failed: 'Not cleared: the connector refused the request. Do not give this tax invoice; issue a simplified invoice instead.',
      replaced: 'A simplified invoice replaces the tax invoice: print or send it; it is reported within 24 hours.'
    },
    clearAgain: 'Ask for clearance again', simplifiedInstead: 'Simplified invoice instead'
  },
  ar: {
    scanOrSearch: 'امسح الباركود أو ابحث', menu: 'القائمة', back: 'رجوع', emptyCart: 'امسح منتجًا أو اضغط عليه لبدء البيع.',
    untaxed: 'قبل الضريبة', tax: 'الضريبة', discount: 'الخصم', sale: 'البيع', products: 'المنتجات', pay: 'الدفع', items: 'أصناف',
    openShift: 'فتح الوردية', openingFloat: 'النقدية في الدرج (العهدة)', amountDue: 'المستحق', remaining: 'المتبقي',
    tendered: 'المبلغ المستلم', takeCash: 'استلام نقدي', amount: 'المبلغ', cancel: 'إلغاء', transferRef: 'مرجع التحويل',
    confirmTransfer: 'تأكيد التحويل', undoCash: 'إرجاع النقدية', saleDone: 'تم البيع', change: 'الباقي', total: 'الإجمالي',
    saleNumber: 'رقم البيع', newSale: 'بيع جديد', setQuantity: 'تعديل الكمية', discountPercent: 'نسبة الخصم ٪', applyDiscount: 'تطبيق الخصم',
    newPrice: 'سعر الوحدة الجديد', overridePrice: 'تغيير السعر (مدير)', remove: 'حذف السطر', managerPin: 'رمز المدير', ok: 'موافق',
    xReport: 'تقرير X (جاري)', cashIn: 'إيداع نقدي', cashOut: 'سحب نقدي (مدير)', clearSale: 'إلغاء هذا البيع', closeShift: 'إغلاق الوردية',
    reason: 'السبب', countedCash: 'النقدية المعدودة في الدرج', login: 'رمز نقطة البيع', online: 'متصل', offline: 'غير متصل',
    waiting: 'بانتظار الرفع', notPaired: 'غير مقترن', cash: 'نقدي', card: 'بطاقة', wallet: 'محفظة', qr: 'QR', charge: 'خصم',
    chargeCard: 'الدفع بالبطاقة', chargeWallet: 'الدفع بالمحفظة', needsNetwork: 'مزود الدفع غير متاح', exact: 'المبلغ بالضبط', shift: 'وردية', all: 'الكل',
    results: 'نتائج البحث عن', noResults: 'لا نتائج لـ', paidBy: 'مدفوع', zReport: 'تقرير Z — أُغلقت الوردية', xTitle: 'تقرير X — الوردية جارية',
    sales: 'المبيعات', refunds: 'المرتجعات', discounts: 'الخصومات', taxes: 'الضرائب', payments: 'المدفوعات حسب الطريقة', drawer: 'الدرج',
    float: 'عهدة الافتتاح', cashSales: 'نقدية المبيعات', expected: 'النقدية المتوقعة', counted: 'المعدود', difference: 'الفرق',
    base: 'الأساس', count: 'العدد', warnOld: (n, age) => `${n} عمليات بيع تنتظر الرفع منذ ${age}. تحقق من الاتصال.`,
    tillDown: 'نقطة البيع لا تستجيب', pinFor: { price: 'لتغيير السعر', cashout: 'لسحب نقدية' },
    errors: {
      'not-found': 'لا يوجد منتج بهذا الرمز.', 'bad-barcode': 'قراءة خاطئة — امسح مرة أخرى.', 'no-shift': 'افتح وردية أولًا.',
      'offline': 'غير متصل: ادفع نقدًا.', 'declined': 'مرفوضة.', 'cancelled': 'أُلغيت.', 'timed-out': 'جهاز البطاقات لم يستجب.',
      'pin-wrong': 'رمز خاطئ.', 'pin-locked': 'محاولات خاطئة كثيرة. انتظر دقيقة.', 'has-payments': 'يوجد دفع بالبطاقة في هذا البيع؛ أكمله.',
      'cart-not-empty': 'أكمل البيع الحالي أو ألغِه أولًا.', 'shift-open': 'الوردية مفتوحة بالفعل.', 'reason': 'اذكر السبب.',
      'sale-not-found': 'لا يوجد بيع بهذا الإيصال على نقطة البيع هذه.',
      'printer-none': 'لا توجد طابعة على نقطة البيع هذه: أرسل الإيصال بدلًا منها.', 'printer-offline': 'الطابعة مطفأة أو غير متصلة.',
      'printer-timeout': 'الطابعة لم تستجب: تحقق من الورق والكهرباء ثم أعد المحاولة.', 'bad-email': 'هذا ليس بريدًا إلكترونيًا صحيحًا.',
      'bad-phone': 'اكتب الرقم مع + ورمز الدولة.', 'search-empty': 'اكتب ما تبحث عنه.', 'invalid': 'تحقق مما كتبت.',
      'customer-how': 'اكتب رقم الهاتف أو رمز البطاقة.', 'customer-not-found': 'لم يُعثر على العميل.', 'nfc-unavailable': 'لا يمكن استخدام قارئ NFC.',
      'nfc-timeout': 'لم تُلمس أي بطاقة.', 'has-account-payment': 'جزء من البيع على الحساب: ألغِه أولًا.',
      'no-customer': 'أضف العميل أولًا.', 'no-program': 'لا يوجد برنامج ولاء على نقطة البيع: حدّث الكتالوج.', 'unknown-reward': 'هذه المكافأة ليست في البرنامج.',
      'reward-on': 'مكافأة واحدة لكل بيع: ألغِ الأخرى أولًا.', 'cart-empty': 'أضف مشتريات العميل أولًا.', 'points-short': 'النقاط لا تكفي لهذه المكافأة.',
      'nothing-to-discount': 'لا يتبقى ما يُخصم في هذا البيع.', 'too-few-points': 'أقل من الحد الأدنى لنقاط المكافأة.', 'product-not-sold': 'منتج المكافأة غير متاح في نقطة البيع هذه.',
      'not-at-till': 'تُمنح هذه المكافأة من الإدارة لا من نقطة البيع.', 'reward-line': 'هذا السطر مكافأة: ألغِ المكافأة بدلًا منه.',
      'promo-none': 'اكتب الرمز أو امسحه.', 'promo-unknown': 'لا يوجد عرض بهذا الرمز: تحقق منه.', 'promo-is-card': 'هذه بطاقة ولاء: أضف العميل بها.',
      'promo-back-office': 'القسائم أحادية الاستخدام تحتاج إلى الإدارة؛ لا تُقبل في نقطة البيع بعد.', 'promo-on': 'يوجد رمز عرض على هذا البيع بالفعل.'
    },
    notices: { 'cash-returned': 'أُرجعت الدفعة النقدية: تغيّر الإجمالي.', 'cash-in': 'سُجّل الإيداع.', 'cash-out': 'سُجّل السحب.',
      'cash-taken': 'تم استلام النقدية.', 'approved': 'تمت الموافقة', 'transfer-recorded': 'سُجّل التحويل.', 'refunded': 'تم الاسترجاع.',
      'customer-attached': 'أُضيف العميل.', 'reward-applied': 'طُبّقت المكافأة.', 'reward-dropped': 'لم تعد المكافأة تنطبق فأُلغيت.',
      'charged-to-account': 'سُجّل على الحساب.', 'promo-applied': 'طُبّق العرض.', 'promo-removed': 'أُلغي رمز العرض.',
      'promo-dropped': 'لم يعد شرط العرض متحققًا: أُلغي الرمز.',
      'buyer-attached': 'أُضيف عميل المنشأة: تصدر لهذا البيع فاتورة ضريبية.' },
    units: { kg: 'كجم', Units: '' }, seconds: 'ثانية', minutes: 'دقيقة',
    refund: 'استرجاع (مدير)', receipt: 'الإيصال', receiptCode: 'امسح الإيصال أو اكتب رقمه', find: 'بحث',
    refundNow: 'استرجاع', giveBack: 'المبلغ المُعاد', refundDone: 'تم الاسترجاع', left: 'متبقٍ', toOriginal: 'إلى طريقة الدفع الأصلية', inCash: 'نقدًا',
    pinForRefund: 'للاسترجاع', print: 'طباعة', send: 'إرسال', sendReceipt: 'إرسال الإيصال', sms: 'رسالة SMS', email: 'بريد إلكتروني',
    phoneHint: '+20 100 123 4567', emailHint: 'name@example.com', printed: 'طُبع الإيصال.',
    queued: (to) => `الإيصال في قائمة الإرسال إلى ${to}: يُرسل عند الاتصال.`,
    camera: 'المسح بالكاميرا', cameraNoAccess: 'لا يمكن استخدام الكاميرا هنا.', searchSales: 'ابحث عن البيع (الرقم، العميل، التاريخ، المبلغ)',
    saleDate: 'التاريخ', search: 'ابحث في المبيعات', more: 'نتائج أخرى', noSales: 'لا توجد عملية بيع مطابقة.', lines: (n, raw) => raw === 1 ? 'سطر واحد' : raw === 2 ? 'سطران' : raw <= 10 ? `${n} أسطر` : `${n} سطرًا`,
    unreachable: 'الخادم لا يستجيب', offlinePaused: 'غير متصل، متوقف', circuitOpen: 'الخادم لا يستجيب · متوقف مؤقتًا', noNetwork: 'لا توجد شبكة', local: 'هذه النقطة فقط',
    receiptsWaiting: (n) => `${n} رسائل إيصالات بانتظار الإرسال`,
    addCustomer: 'العميل / بطاقة الولاء', removeCustomer: 'إزالة العميل', customerPhone: 'رقم الهاتف', findByPhone: 'بحث بالهاتف',
    cardCode: 'رمز بطاقة الولاء', findByCard: 'بحث بالبطاقة', tapCard: 'المس البطاقة بالقارئ', tapWaiting: 'قرّب البطاقة من القارئ…',
    spendPoints: 'صرف النقاط', removeReward: 'إلغاء المكافأة', later: 'الدفع لاحقًا', customeraccount: 'على الحساب', needsCustomer: 'أضف عميلًا',
    chargeAccount: 'تسجيل على حساب العميل', onAccountOf: (name) => `يُسجَّل على حساب ${name} ويُدفع لاحقًا.`,
    pointsLine: (bal, earn) => [`${bal} نقطة`, `يكسب ${earn}`], balanceLine: (name, bal) => `رصيد ${name}: ${bal} نقطة`,
    needMore: (n) => `ينقصه ${n} نقطة`, costs: (n) => `${n} نقطة`,
    pointsDone: (earned, spent) => [earned ? `${earned} نقطة مكتسبة` : '', spent ? `${spent} نقطة مستخدمة` : ''].filter(Boolean),
    noRewards: 'لا توجد مكافآت في هذا البرنامج.', noProgram: 'لا يوجد برنامج ولاء على نقطة البيع هذه.', rewardLine: 'مكافأة',
    promoCode: 'رمز العرض', promoHint: 'الرمز الذي يقدمه العميل', applyPromo: 'تطبيق الرمز', removePromo: 'إلغاء رمز العرض',
    taxAuthority: 'هيئة الزكاة والضريبة (فاتورة)', zatcaOtp: 'رمز التحقق (OTP) من بوابة فاتورة', zatcaOnboard: 'ربط نقطة البيع',
    zatcaOff: 'لم يتم إعداد فاتورة على نقطة البيع هذه.', zatcaNot: 'غير مربوطة: تُرفض المبيعات حتى يُدخل المالك رمز التحقق من بوابة فاتورة.',
    zatcaUntil: (d) => `مربوطة مع هيئة الزكاة والضريبة حتى ${d}.`, zatcaRenew: 'جدّد قريبًا: احصل على رمز تحقق جديد واربط من جديد.',
    zatcaCounts: (issued, waiting, notCleared) => `${issued} فاتورة صادرة، ${waiting} بانتظار الإرسال إلى الموصل` + (notCleared ? `، ${notCleared} فاتورة ضريبية غير معتمدة` : '') + '.',
    zatcaDone: 'تم ربط نقطة البيع مع هيئة الزكاة والضريبة.',
    zatcaErr: { otp: 'أدخل رمز التحقق الظاهر في بوابة فاتورة (أرقام فقط).', 'manager-pin': 'يلزم رمز المدير.', 'not-paired': 'نقطة البيع غير مقترنة بالموصل: اقرنها أولًا.', offline: 'تعذر الوصول إلى الموصل: حاول مرة أخرى (الرمز نفسه صالح حتى انتهائه).', 'zatca-off': 'لم يتم إعداد فاتورة على نقطة البيع هذه.' },
    b2b: 'عميل منشأة (فاتورة ضريبية)', b2bHint: 'تعتمد هيئة الزكاة والضريبة الفاتورة الضريبية قبل تسليمها للمشتري.',
    b2bName: 'اسم المشتري المسجّل', b2bVat: 'الرقم الضريبي (١٥ رقمًا)', b2bStreet: 'الشارع', b2bBuilding: 'رقم المبنى (٤ أرقام)',
    b2bDistrict: 'الحي', b2bCity: 'المدينة', b2bPostal: 'الرمز البريدي (٥ أرقام)', b2bSave: 'أصدر فاتورة ضريبية لهذا المشتري',
    b2bErr: {
      vatNumber: 'الرقم الضريبي: ١٥ رقمًا يبدأ بـ٣ وينتهي بـ٣، كما في شهادة تسجيل المشتري في ضريبة القيمة المضافة.', name: 'الاسم: اسم المشتري المسجّل.',
      streetName: 'الشارع: شارع العنوان الوطني للمشتري.', buildingNumber: 'رقم المبنى: أربعة أرقام من العنوان الوطني.',
      citySubdivision: 'الحي: حي العنوان الوطني.', city: 'المدينة: مدينة العنوان الوطني.',
      postalZone: 'الرمز البريدي: خمسة أرقام من العنوان الوطني.', 'simplified-only': 'تصدر نقطة البيع هذه فواتير مبسطة فقط: يضبط المالك أنواع الفواتير 1100 ويربطها من جديد.',
      'zatca-off': 'لم يتم إعداد فاتورة على نقطة البيع هذه.'
    },
    taxInvoiceFor: (vat) => `فاتورة ضريبية · الرقم الضريبي ${vat}`,
    clearance: {
      asking: 'جارٍ طلب اعتماد الفاتورة الضريبية من هيئة الزكاة والضريبة…', cleared: 'اعتمدتها هيئة الزكاة والضريبة: يمكن طباعة الفاتورة الضريبية أو إرسالها.',
      report: 'أوقفت هيئة الزكاة والضريبة الاعتماد مؤقتًا: سلّم الفاتورة الضريبية كما وُقّعت، وتُبلَّغ الهيئة بها خلال ٢٤ ساعة.',
      'not-cleared': 'لم تعتمد هيئة الزكاة والضريبة هذه الفاتورة الضريبية فلا يجوز تسليمها: تحقّق من الرقم الضريبي للمشتري وعنوانه وأعد البيع، أو أصدر فاتورة مبسطة بدلًا منها.',
      offline: 'لم تُعتمد: تعذّر الوصول إلى الموصل أو إلى هيئة الزكاة والضريبة الآن. لا تسلّم هذه الفاتورة الضريبية بعد. أعد طلب الاعتماد عندما يستجيب الموصل، أو أصدر فاتورة مبسطة بدلًا منها.',
      failed: 'لم تُعتمد: رفض الموصل الطلب. لا تسلّم هذه الفاتورة الضريبية؛ أصدر فاتورة مبسطة بدلًا منها.',
      replaced: 'حلّت فاتورة مبسطة محل الفاتورة الضريبية: اطبعها أو أرسلها، وتُبلَّغ الهيئة بها خلال ٢٤ ساعة.'
    },
    clearAgain: 'أعد طلب الاعتماد', simplifiedInstead: 'فاتورة مبسطة بدلًا منها'
  }
};
const CURRENCY_AR = { EGP: 'ج.م', SAR: 'ر.س', AED: 'د.إ', KWD: 'د.ك', QAR: 'ر.ق', BHD: 'د.ب', OMR: 'ر.ع', JOD: 'د.أ', MAD: 'د.م' };

const $ = (id) => document.getElementById(id);
let S = null;                 // the last state the till sent
let fiscal = null;            // the till's tax-authority state (ZATCA onboarding, tax invoices)
let lang = localStorage.getItem('till.lang') || null;
let tiles = [];
let category = null;
let searchText = '';
let searchResults = null;
let payMethod = 'cash';
let editing = -1;
let lastLineCount = 0;
window.posbridge = { scans: [] }; // scan-to-line timings, read by the bench

// ---- text and numbers ----
const L = () => T[lang] || T.en;
const t = (key) => { const v = L()[key]; return v === undefined ? T.en[key] : v; };
const arabicDigits = () => lang === 'ar' && S && S.store.digits === 'arabic';
function num(text) {
  const s = String(text);
  return arabicDigits() ? s.replace(/[0-9]/g, (d) => '٠١٢٣٤٥٦٧٨٩'[d]).replace(/\./g, '٫') : s;
}
function money(text) {
  if (text == null) return '';
  const code = S ? S.store.currency : '';
  return lang === 'ar' ? `${num(text)} ${CURRENCY_AR[code] || code}` : `${code} ${num(text)}`;
}
const unit = (u) => (L().units[u] ?? u);
// What the cashier typed, in either digit set, as a plain decimal string.
function parseNum(text) {
  const s = String(text || '').trim()
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6F0))
    .replace(/[٫,]/g, '.').replace(/[٬\s]/g, '');
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : null;
}
// Text from the back office may mix Arabic and Latin ("10% off · خصم ١٠٪"): each part in its own isolate, so
// neither language's numbers and signs are pulled into the other's direction.
const bidi = (text) => String(text).split(' · ').flatMap((part, i) => (i ? [' · ', el('bdi', {}, part)] : [el('bdi', {}, part)]));
const parts = (list) => list.flatMap((part, i) => (i ? [' · ', el('bdi', { class: 'nowrap' }, part)] : [el('bdi', { class: 'nowrap' }, part)]));
// An icon from the page's inline SVG sprite (index.html): drawn the same on every browser, with no font needed.
function icon(name) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'i');
  svg.setAttribute('aria-hidden', 'true');
  const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
  use.setAttribute('href', '#i-' + name);
  svg.append(use);
  return svg;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else if (v !== false && v != null) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// ---- talking to the till ----
async function api(path, body, method) {
  const init = { method: method || (body === undefined ? 'GET' : 'POST'), headers: {} };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  let res;
  try { res = await fetch('/api/' + path, init); } catch { tillDown(true); throw new Error('down'); }
  tillDown(false);
  if (res.status === 401) { $('loginDlg').showModal(); throw new Error('login'); }
  if (res.status === 204) return null;
  return res.json();
}
// An action: draw the state it answers with, and say what happened.
// Actions run one after another, in the order the cashier made them: a scanner firing two codes
// back to back must ring up both, never drop one because the first is still on its way.
let queue = Promise.resolve();
function act(path, body, method) {
  const run = queue.then(async () => {
    try {
      const r = await api(path, body, method);
      if (r && r.state) render(r.state);
      if (r && r.error) toast(L().errors[r.error.code] || r.error.message, true);
      else if (r && r.notice) toast(noticeText(r));
      return r;
    } catch (e) { if (e.message !== 'down' && e.message !== 'login') toast(String(e.message), true); return null; }
  });
  queue = run;
  return run;
}
// What an accepted action says, in the cashier's language; a card approval names the card.
function noticeText(r) {
  if (r.notice === 'approved') {
    const all = (r.state.lastSale ? r.state.lastSale.payments : r.state.cart.payments).filter((p) => p.kind === 'card' || p.kind === 'wallet');
    const p = all[all.length - 1];
    return p ? `${L().notices.approved}: ${p.scheme || ''} •••• ${num(p.last4 || '')}` : L().notices.approved;
  }
  return L().notices[r.notice] || r.notice;
}
function tillDown(down) {
  document.body.classList.toggle('till-down', down);
  if (down) { document.body.classList.remove('loading'); $('net').className = 'pill offline'; $('net').textContent = t('tillDown'); }
}
let toastTimer = 0;
function toast(text, bad) {
  const box = $('toast');
  box.textContent = text; box.className = 'toast show' + (bad ? ' bad' : ''); box.dataset.lang = lang || '';
  clearTimeout(toastTimer); toastTimer = setTimeout(() => { box.className = 'toast'; }, 2600);
}

// ---- drawing ----
function applyLanguage() {
  const l = lang === 'ar' ? 'ar' : 'en';
  document.documentElement.lang = l;
  document.documentElement.dir = l === 'ar' ? 'rtl' : 'ltr';
  document.querySelectorAll('[data-i18n]').forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((n) => { n.placeholder = t(n.dataset.i18nPlaceholder); });
  document.querySelectorAll('[data-i18n-label]').forEach((n) => { n.setAttribute('aria-label', t(n.dataset.i18nLabel)); });
  $('langBtn').textContent = l === 'ar' ? 'EN' : 'ع';
  // A message shown in the other language goes: it is not said again in this one.
  if ($('toast').dataset.lang && $('toast').dataset.lang !== lang) $('toast').className = 'toast';
  renderFiscal();
}

function render(state) {
  S = state;
  if (!lang) lang = S.store.language;
  document.body.classList.remove('loading');
  applyLanguage();
  const c = S.cart;
  $('store').textContent = `${S.store.storeId} · ${S.store.tillId}`;
  $('shiftInfo').textContent = S.shift ? `${t('shift')} ${num(S.shift.number)} · ${S.store.cashier}` : '';
  document.body.classList.toggle('no-shift', !S.shift);
  $('openShift').hidden = !!S.shift;
  renderSync(S.sync);

  const list = $('lines');
  list.replaceChildren(...c.lines.map((l) => el('li', {},
    el('button', { type: 'button', class: 'line' + (l.isReward ? ' reward' : '') + (l.index === c.lines.length - 1 && c.lines.length > lastLineCount ? ' fresh' : ''), 'data-test': 'line',
      onclick: () => (l.isReward ? openRewards() : openLine(l.index)) },
      el('span', { class: 'name' }, l.isReward ? icon('star') : null, l.isReward ? ' ' : null, l.name),
      el('span', { class: 'amt' }, money(l.total)),
      el('span', { class: 'qty' }, `${num(l.quantity)}${l.isWeighed ? ' ' + unit(l.unit) : ''} × ${num(l.unitPrice)}`,
        l.discountPercent !== '0' && !l.isReward ? el('span', { class: 'tag' }, `−${num(l.discountPercent)}%`) : null,
        l.isReward ? el('span', { class: 'tag' }, t('rewardLine')) : null,
        l.priceOverridden ? el('span', { class: 'tag' }, icon('pencil')) : null)))));
  if (c.lines.length > lastLineCount) list.lastElementChild?.scrollIntoView({ block: 'nearest' });
  lastLineCount = c.lines.length;
  $('emptyCart').hidden = c.lines.length > 0;
  $('untaxed').textContent = money(c.untaxed);
  $('tax').textContent = money(c.tax);
  $('discount').textContent = money(c.discount);
  $('discountRow').hidden = c.discount === '0' || /^0\.?0*$/.test(c.discount);
  $('total').textContent = money(c.amountDue);
  $('itemCount').textContent = `${num(c.itemCount)} ${t('items')}`;
  $('tabCount').textContent = c.lines.length ? `(${num(c.itemCount)})` : '';
  $('payBtn').disabled = c.lines.length === 0;
  renderCustomer();
  renderPromotion();
  renderTiles();
  if ($('payDlg').open) renderPay();
  if (S.lastSale) showDone(S.lastSale); else if ($('doneDlg').open) $('doneDlg').close();
  // An open line editor keeps what the cashier is typing; it only closes if its line is gone.
  if (editing >= 0 && $('lineDlg').open && editing >= c.lines.length) $('lineDlg').close();
}

function renderSync(sync) {
  if (S) S.sync = sync;
  // online · local (no connector) · offline: no network on the device, the connector not answering, or the
  // till holding off a failing connector (circuit open).
  const net = $('net');
  const state = sync.connection === 'local' ? 'local' : sync.online ? 'online' : 'offline';
  net.className = 'pill ' + (sync.circuit === 'open' && !sync.online ? 'circuit ' : '') + state;
  net.dataset.connection = sync.connection; net.dataset.circuit = sync.circuit;
  const long = state === 'local' ? t('local') : sync.online ? t('online')
    : navigator.onLine === false ? t('noNetwork') : sync.circuit === 'open' ? t('circuitOpen') : t('unreachable');
  // A phone's bar has room for a word: the long label from 760 px, the short one below.
  const short = state === 'local' ? t('local') : sync.online ? t('online') : sync.circuit === 'open' ? t('offlinePaused') : t('offline');
  net.replaceChildren(el('span', { class: 'long' }, long), el('span', { class: 'short' }, short));
  net.setAttribute('aria-label', long);
  net.title = sync.lastError || '';
  const rc = $('receipts');
  rc.hidden = !sync.receiptsWaiting;
  rc.replaceChildren(icon('mail'), ' ', num(sync.receiptsWaiting || 0));
  rc.title = L().receiptsWaiting(sync.receiptsWaiting || 0);
  const w = $('waiting');
  w.className = 'pill' + (sync.pending === 0 ? ' zero' : '');
  w.replaceChildren(icon('upload'), ' ', num(sync.pending));
  w.title = sync.paired ? `${sync.pending} ${t('waiting')}` : t('notPaired');
  w.dataset.pending = sync.pending;
  const warn = $('warn');
  warn.hidden = !sync.warn;
  if (sync.warn) {
    const secs = sync.oldestPendingSeconds;
    const age = secs < 120 ? `${num(secs)} ${t('seconds')}` : `${num(Math.floor(secs / 60))} ${t('minutes')}`;
    warn.textContent = L().warnOld(num(sync.pending), age);
  }
  // Card, wallet and QR follow the payment provider's reachability, which has its own network: not the connector's.
  if (S) for (const m of S.methods) if (m.kind === 'card' || m.kind === 'wallet' || m.kind === 'qr') m.available = sync.payments !== false;
  if ($('payDlg').open) renderMethods();
}

function renderTiles() {
  const cats = $('cats');
  if (!category && tiles.length) category = tiles[0].id;
  cats.hidden = searchResults !== null;
  cats.replaceChildren(...tiles.map((c) => el('button', { type: 'button', 'aria-pressed': String(c.id === category), onclick: () => { category = c.id; renderTiles(); } },
    lang === 'ar' ? c.nameAr : c.name)));
  const title = $('resultsTitle');
  title.hidden = searchResults === null;
  let products;
  if (searchResults !== null) {
    products = searchResults;
    title.textContent = `${products.length ? t('results') : t('noResults')} “${searchText}”`;
  } else {
    products = (tiles.find((c) => c.id === category) || { products: [] }).products;
  }
  $('tiles').replaceChildren(...products.map((p) => el('button', { type: 'button', class: 'tile', 'data-test': 'tile', 'data-id': p.id, onclick: () => addProduct(p.id) },
    el('b', {}, p.name), el('span', {}, num(p.price) + (p.isWeighed ? ` / ${unit(p.unit)}` : '')))));
}

// ---- selling ----
async function scan(code, startedAt) {
  const r = await act('cart/scan', { code });
  if (r && !r.error) {
    showTab('cart');
    // The frame after the line is drawn: what the cashier sees. Kept for the bench, never asserted on.
    requestAnimationFrame(() => { window.posbridge.scans.push(performance.now() - startedAt); });
  }
}
async function addProduct(id) {
  const r = await act('cart/add', { productId: id });
  if (r && !r.error) {
    const line = r.state.cart.lines.find((l) => l.productId === id);
    if (window.matchMedia('(max-width: 759px)').matches && line) toast(`+ ${line.name} · ${num(line.quantity)}`);
    if (searchResults !== null) clearSearch();
  }
}
let searchTimer = 0;
async function search(text) {
  searchText = text;
  const r = await api('search?q=' + encodeURIComponent(text)).catch(() => null);
  if (r === null || searchText !== text) return;
  searchResults = r;
  showTab('products');
  renderTiles();
}
function clearSearch() { searchResults = null; searchText = ''; $('scan').value = ''; renderTiles(); }
function showTab(tab) { document.body.classList.toggle('tab-cart', tab === 'cart'); document.body.classList.toggle('tab-products', tab === 'products'); }

const scanInput = $('scan');
scanInput.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  const raw = scanInput.value.trim();
  const digits = raw.replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660));
  if (/^\d{4,14}$/.test(digits) || /^[A-Z0-9-]{3,}$/.test(raw) && /\d/.test(raw)) {
    scanInput.value = '';
    // A scanner typing letters (a card code) may have started a search on the way: it is not wanted now.
    clearTimeout(searchTimer); searchText = '';
    if (searchResults !== null) clearSearch();
    scan(digits || raw, e.timeStamp);
  } else if (raw) {
    clearTimeout(searchTimer); search(raw);
  }
});
scanInput.addEventListener('input', () => {
  const v = scanInput.value.trim();
  clearTimeout(searchTimer);
  if (!v) { if (searchResults !== null) clearSearch(); return; }
  if (/^[\d٠-٩]+$/.test(v)) return; // a barcode arriving key by key: wait for Enter
  if (v.length >= 2) searchTimer = setTimeout(() => search(v), 180);
});
// A keyboard-wedge scanner types anywhere on the page: send its keys to the scan box.
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement || document.querySelector('dialog[open]') || e.ctrlKey || e.metaKey || e.altKey) return;
  // Letters too: a loyalty card's code (NILE-1001) comes from the same scanner.
  if (/^[0-9٠-٩A-Za-z-]$/.test(e.key)) { e.preventDefault(); scanInput.value += e.key; scanInput.focus({ preventScroll: true }); }
});

// A camera scan where the browser can read barcodes itself (BarcodeDetector: Android Chrome, ChromeOS, macOS);
// the code goes down the same path as a wedge scan. Elsewhere the button stays hidden.
const cameraUsable = 'BarcodeDetector' in window && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) && window.isSecureContext;
window.posbridge.camera = cameraUsable;
$('cameraBtn').hidden = !cameraUsable;
let cameraStream = null;
$('cameraBtn').onclick = async () => {
  let detector;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    detector = new window.BarcodeDetector({ formats: formats.filter((f) => ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'code_128', 'qr_code'].includes(f)) });
    cameraStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch { toast(t('cameraNoAccess'), true); return; }
  const video = $('cameraVideo');
  video.srcObject = cameraStream; await video.play().catch(() => {});
  $('cameraDlg').showModal();
  const look = async () => {
    if (!$('cameraDlg').open) return;
    const codes = await detector.detect(video).catch(() => []);
    const code = codes.length ? codes[0].rawValue.trim() : '';
    if (code) { $('cameraDlg').close(); scan(code, performance.now()); return; }
    setTimeout(look, 120);
  };
  look();
};
$('cameraDlg').addEventListener('close', () => { if (cameraStream) cameraStream.getTracks().forEach((tr) => tr.stop()); cameraStream = null; $('cameraVideo').srcObject = null; });

// ---- line editing ----
function openLine(i) { editing = i; fillLine(i); $('lineDlg').showModal(); }
function fillLine(i) {
  const l = S.cart.lines[i];
  $('lineName').textContent = l.name;
  $('qtyInput').value = num(l.quantity);
  $('discInput').value = l.discountPercent === '0' ? '' : num(l.discountPercent);
  $('priceInput').value = '';
  $('priceInput').placeholder = num(l.unitPrice);
}
function step(delta) {
  const q = parseNum($('qtyInput').value) || 0;
  const next = Math.max(S.cart.lines[editing].isWeighed ? 0.001 : 1, Math.round((q + delta) * 1000) / 1000);
  $('qtyInput').value = num(next);
}
$('qtyMinus').onclick = () => step(-1);
$('qtyPlus').onclick = () => step(1);
$('qtySet').onclick = async () => {
  const q = parseNum($('qtyInput').value);
  if (q === null) return toast(t('setQuantity'), true);
  const r = await act(`cart/lines/${editing}/quantity`, { quantity: q });
  if (r && !r.error) $('lineDlg').close();
};
$('discSet').onclick = async () => {
  const p = parseNum($('discInput').value || '0');
  if (p === null) return;
  const r = await act(`cart/lines/${editing}/discount`, { percent: p });
  if (r && !r.error) $('lineDlg').close();
};
$('priceSet').onclick = async () => {
  const price = parseNum($('priceInput').value);
  if (price === null) return;
  const pin = await askPin(L().pinFor.price);
  if (pin === null) return;
  const r = await act(`cart/lines/${editing}/price`, { price, managerPin: pin });
  if (r && !r.error) $('lineDlg').close();
};
$('lineRemove').onclick = async () => {
  const r = await act(`cart/lines/${editing}`, undefined, 'DELETE');
  if (r && !r.error) $('lineDlg').close();
};
$('lineDlg').addEventListener('close', () => { editing = -1; });

// ---- manager PIN ----
function askPin(why) {
  return new Promise((resolve) => {
    const dlg = $('pinDlg');
    $('pinWhy').textContent = why || '';
    $('pinInput').value = '';
    let answered = false;
    const done = (value) => { if (answered) return; answered = true; dlg.removeEventListener('close', onClose); if (dlg.open) dlg.close(); resolve(value); };
    const onClose = () => done(null);
    dlg.addEventListener('close', onClose);
    $('pinOk').onclick = () => done(parseNum($('pinInput').value) === null ? $('pinInput').value : String($('pinInput').value).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660)));
    $('pinInput').onkeydown = (e) => { if (e.key === 'Enter') $('pinOk').click(); };
    dlg.showModal();
    $('pinInput').focus();
  });
}

// ---- paying ----
$('payBtn').onclick = () => { payMethod = 'cash'; $('payAnswer').textContent = ''; renderPay(); $('payDlg').showModal(); $('tendered').focus(); };
function renderPay() {
  const c = S.cart;
  $('payDue').textContent = money(c.amountDue);
  $('payRemaining').textContent = money(c.remaining);
  renderMethods();
  $('cashPanel').hidden = payMethod !== 'cash';
  $('terminalPanel').hidden = payMethod !== 'card' && payMethod !== 'wallet';
  $('qrPanel').hidden = payMethod !== 'qr';
  $('laterPanel').hidden = payMethod !== 'later';
  $('laterWho').textContent = S.customer ? L().onAccountOf(S.customer.name) : '';
  if (!$('laterAmount').matches(':focus')) $('laterAmount').value = num(c.remaining);
  $('charge').textContent = payMethod === 'wallet' ? t('chargeWallet') : t('chargeCard');
  if (!$('termAmount').matches(':focus')) $('termAmount').value = num(c.remaining);
  if (!$('qrAmount').matches(':focus')) $('qrAmount').value = num(c.remaining);
  $('quick').replaceChildren(...quickTenders(c.remaining).map((v, i) => el('button', { type: 'button', 'data-test': 'quick', onclick: () => payCash(v) },
    i === 0 ? `${t('exact')} ${num(v)}` : num(v))));
  $('paidList').replaceChildren(...c.payments.map(paymentRow));
  $('undoCash').hidden = !c.payments.length || c.payments.some((p) => p.kind !== 'cash');
}
function renderMethods() {
  $('methods').replaceChildren(...S.methods.map((m) => el('button', {
    type: 'button', 'data-test': 'method-' + m.kind, 'aria-pressed': String(payMethod === m.kind), disabled: !m.available,
    onclick: () => { payMethod = m.kind; $('payAnswer').textContent = ''; renderPay(); }
  }, t(m.kind), m.available ? null : el('small', {}, m.kind === 'later' ? t('needsCustomer') : t('needsNetwork')))));
  if (!S.methods.find((m) => m.kind === payMethod)?.available) { payMethod = 'cash'; $('cashPanel').hidden = false; $('terminalPanel').hidden = true; $('qrPanel').hidden = true; $('laterPanel').hidden = true; }
}
// Notes a customer may hand over: the exact amount, then the next round amounts above it. Presentation
// only: the engine takes whatever is tendered and works out the change.
function quickTenders(remainingText) {
  const minor = S.store.minorUnits;
  const r = Number(remainingText);
  if (!(r > 0)) return [];
  const out = [remainingText];
  for (const step of [5, 10, 20, 50, 100, 200, 500, 1000]) {
    const v = Math.ceil(r / step) * step;
    if (v > r && !out.some((o) => Number(o) === v)) out.push(v.toFixed(minor));
    if (out.length >= 6) break;
  }
  return out;
}
function paymentRow(p) {
  const what = p.kind === 'cash' ? t('cash') + (p.tendered ? ` (${num(p.tendered)})` : '')
    : p.kind === 'qr' ? `${t('qr')} ${p.reference || ''}` : p.kind === 'customeraccount' ? t('customeraccount')
      : `${t(p.kind)} ${p.scheme || ''} •••• ${num(p.last4 || '')}`;
  return el('li', {}, el('span', {}, what), el('b', {}, money(p.amount)));
}
async function payCash(amount) {
  const r = await act('pay/cash', { tendered: Number(amount) });
  if (r && !r.error) { $('tendered').value = ''; if (r.state.lastSale) $('payDlg').close(); }
}
$('takeCash').onclick = () => { const v = parseNum($('tendered').value); if (v !== null) payCash(v); };
$('tendered').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('takeCash').click(); });
$('charge').onclick = async () => {
  const amount = parseNum($('termAmount').value);
  const answer = $('payAnswer');
  answer.className = 'answer'; answer.textContent = '…';
  $('cancelTerm').hidden = false;
  const r = await act('pay/terminal', { kind: payMethod, amount });
  $('cancelTerm').hidden = true;
  if (!r) { answer.textContent = ''; return; }
  answer.className = 'answer ' + (r.error ? 'bad' : 'good');
  answer.textContent = r.error ? (L().errors[r.error.code] || r.error.message) : noticeText(r);
  if (!r.error && r.state.lastSale) $('payDlg').close();
};
$('cancelTerm').onclick = () => api('pay/terminal/cancel', {}).catch(() => null);
$('confirmQr').onclick = async () => {
  const r = await act('pay/qr', { reference: $('qrRef').value, amount: parseNum($('qrAmount').value) });
  if (r && !r.error) { $('qrRef').value = ''; if (r.state.lastSale) $('payDlg').close(); }
};
$('undoCash').onclick = () => act('pay/cash/undo', {});
$('payLater').onclick = async () => {
  const r = await act('pay/later', { amount: parseNum($('laterAmount').value) });
  if (r && !r.error && r.state.lastSale) $('payDlg').close();
};

function showDone(sale) {
  // A refund shows what to hand back where a sale shows the change.
  $('doneDlg').querySelector('.ok span').textContent = sale.isRefund ? t('refundDone') : t('saleDone');
  $('doneDlg').querySelector('.change-label').textContent = sale.isRefund ? t('giveBack') : t('change');
  $('doneChange').textContent = money(sale.isRefund ? sale.amountDue.replace(/^-/, '') : sale.change);
  // Only cash has change to hand over (or hand back on a refund): a card sale's "Change 0.00" in big type misleads.
  const cash = sale.payments.some((p) => p.kind === 'cash');
  const showChange = sale.isRefund ? cash : cash || !/^-?0*\.?0*$/.test(sale.change);
  $('doneDlg').querySelector('.change-label').hidden = !showChange;
  $('doneChange').hidden = !showChange;
  $('doneTotal').textContent = money(sale.amountDue);
  // A sale number is a code (it is on the receipt and scanned for refunds): Latin digits, left to right.
  $('doneNumber').textContent = sale.number;
  $('donePayments').replaceChildren(...sale.payments.map(paymentRow));
  $('donePoints').hidden = !sale.pointsEarned && !sale.pointsSpent;
  $('donePoints').replaceChildren(...parts([sale.customer, ...L().pointsDone(sale.pointsEarned && num(sale.pointsEarned), sale.pointsSpent && num(sale.pointsSpent))].filter(Boolean)));
  if ($('payDlg').open) $('payDlg').close();
  if (!$('doneDlg').open) { doneAnswer = null; $('doneDlg').showModal(); }
  renderDoneAnswer();
  // A sale to a business has a tax invoice to clear; the till answers at once, without a call, for any other sale.
  if (fiscal?.standard && !sale.isRefund && clearance?.saleId !== sale.id) askClearance(sale.id, 'fiscal/zatca/clear');
  else renderClearance();
  $('nextSale').focus();
}
$('showReceipt').onclick = () => {
  if (!S || !S.lastSale) return;
  $('receiptFrame').src = '/api/receipts/' + S.lastSale.id;
  $('receiptDlg').showModal();
};
$('printReceipt').onclick = async () => {
  if (!S || !S.lastSale) return;
  doneAnswer = { text: () => '…' }; renderDoneAnswer();
  const r = await api(`receipts/${S.lastSale.id}/print`, {}).catch(() => null);
  doneAnswer = !r ? null : r.error ? { bad: true, text: () => L().errors[r.error.code] || r.error.message } : { text: () => t('printed') };
  renderDoneAnswer();
};
// What the printer or the send queue answered, kept as words to draw again in the other language.
let doneAnswer = null;
function renderDoneAnswer() {
  const answer = $('doneAnswer');
  answer.className = 'answer' + (doneAnswer ? (doneAnswer.bad ? ' bad' : ' good') : '');
  answer.textContent = doneAnswer ? doneAnswer.text() : '';
}
let sendChannel = 'sms';
function renderSendChannel() {
  $('sendChannel').replaceChildren(...['sms', 'email'].map((k) => el('button', {
    type: 'button', 'aria-pressed': String(sendChannel === k), 'data-test': 'send-' + k,
    onclick: () => { sendChannel = k; renderSendChannel(); $('sendTo').focus(); }
  }, t(k))));
  $('sendTo').type = sendChannel === 'email' ? 'email' : 'tel';
  $('sendTo').inputMode = sendChannel === 'email' ? 'email' : 'tel';
  $('sendTo').placeholder = sendChannel === 'email' ? t('emailHint') : t('phoneHint');
}
$('sendReceipt').onclick = () => {
  if (!S || !S.lastSale) return;
  $('sendTo').value = ''; $('sendAnswer').textContent = ''; $('sendAnswer').className = 'answer';
  renderSendChannel();
  $('sendDlg').showModal(); $('sendTo').focus();
};
$('sendOk').onclick = async () => {
  if (!S || !S.lastSale) return;
  const r = await api(`receipts/${S.lastSale.id}/send`, { channel: sendChannel, to: $('sendTo').value, language: lang === 'ar' ? 'ar' : 'en' }).catch(() => null);
  if (!r) return;
  if (r.error) { $('sendAnswer').className = 'answer bad'; $('sendAnswer').textContent = L().errors[r.error.code] || r.error.message; return; }
  if (r.sync) renderSync(r.sync);
  $('sendDlg').close();
  // The number or address is Latin text inside the sentence: isolated so RTL does not move its "+".
  doneAnswer = { text: () => L().queued(`\u2066${r.to}\u2069`) }; renderDoneAnswer();
};
$('sendTo').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('sendOk').click(); });
$('nextSale').onclick = async () => { await act('sale/next', {}); if ($('doneDlg').open) $('doneDlg').close(); scanInput.value = ''; };
$('doneDlg').addEventListener('cancel', (e) => { e.preventDefault(); $('nextSale').click(); });

// ---- the customer and their points (the engine's customers and loyalty; the page only shows them) ----
function renderCustomer() {
  const cu = S.customer;
  $('custAdd').hidden = !!cu;
  $('custInfo').hidden = !cu;
  if (!cu) { if ($('rewardsDlg').open) $('rewardsDlg').close(); return; }
  $('custName').textContent = cu.name;
  // Parts that wrap between, never inside: "180 points · earns 13.85". A business customer's VAT number is a code: Latin digits.
  $('custPoints').replaceChildren(...(cu.id.startsWith('vat-') ? [el('bdi', {}, L().taxInvoiceFor(cu.id.slice(4)))]
    : cu.programId ? parts(L().pointsLine(num(cu.balance), num(cu.pointsToEarn))) : [t('noProgram')]));
  $('custRewards').hidden = !cu.programId;
  $('custReward').hidden = !cu.reward;
  if (cu.reward) {
    $('custReward').replaceChildren(icon('star'), ' ', ...bidi(cu.reward.description),
      el('small', {}, ' · ', el('bdi', {}, L().costs(num(cu.reward.points))), /^0\.?0*$/.test(cu.reward.discount) ? null : el('bdi', {}, ` · −${money(cu.reward.discount)}`)));
  }
  if ($('rewardsDlg').open) renderRewards();
}
// ---- a promotion code the customer gives (the engine checks its rule; the page only shows the outcome) ----
function renderPromotion() {
  const p = S.promotion;
  $('promoAdd').hidden = !!p;
  $('promoOn').hidden = !p;
  if (p) {
    $('promoText').replaceChildren(icon('tag'), ' ', el('bdi', { dir: 'ltr' }, p.code), ' · ', ...bidi(p.description),
      /^0\.?0*$/.test(p.discount) ? '' : el('bdi', {}, ` · −${money(p.discount)}`));
  }
}
$('promoAdd').onclick = () => { $('promoInput').value = ''; $('promoAnswer').textContent = ''; $('promoDlg').showModal(); $('promoInput').focus(); };
$('promoApply').onclick = async () => {
  const r = await act('loyalty/promo', { code: $('promoInput').value });
  if (!r) return;
  // A rule not met comes with the engine's words (what the cart lacks); other refusals in the cashier's language.
  if (r.error) { $('promoAnswer').textContent = (r.error.code !== 'promo-not-met' && L().errors[r.error.code]) || r.error.message; return; }
  $('promoDlg').close();
};
$('promoInput').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('promoApply').click(); });
$('promoRemove').onclick = () => act('loyalty/promo', undefined, 'DELETE');
$('custAdd').onclick = () => {
  $('custPhone').value = ''; $('custCard').value = ''; $('custAnswer').textContent = ''; $('custAnswer').className = 'answer';
  $('custTap').hidden = !S?.nfc;
  $('custB2b').hidden = !fiscal?.standard;
  $('custDlg').showModal(); $('custPhone').focus();
};
async function attach(body) {
  const r = await act('customer', body);
  if (!r) return;
  if (r.error) { $('custAnswer').className = 'answer bad'; $('custAnswer').textContent = L().errors[r.error.code] || r.error.message; return; }
  $('custDlg').close();
}
$('custPhoneBtn').onclick = () => attach({ phone: $('custPhone').value });
$('custCardBtn').onclick = () => attach({ cardCode: $('custCard').value });
$('custPhone').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('custPhoneBtn').click(); });
$('custCard').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('custCardBtn').click(); });
let tapAbort = null;
$('custTap').onclick = async () => {
  if (tapAbort) return;
  tapAbort = new AbortController();
  $('custAnswer').className = 'answer'; $('custAnswer').textContent = t('tapWaiting');
  try {
    // Not queued behind other actions: the till waits for the card without holding the cart.
    const res = await fetch('/api/customer/tap', { method: 'POST', signal: tapAbort.signal });
    const r = await res.json();
    if (r.state) render(r.state);
    if (r.error) { $('custAnswer').className = 'answer bad'; $('custAnswer').textContent = L().errors[r.error.code] || r.error.message; } else { $('custDlg').close(); toast(noticeText(r)); }
  } catch { /* the cashier closed the dialog */ } finally { tapAbort = null; }
};
$('custDlg').addEventListener('close', () => { if (tapAbort) tapAbort.abort(); });
$('custRemove').onclick = () => act('customer', undefined, 'DELETE');

// ---- a business customer for a tax invoice (the engine checks every field as ZATCA does; the page marks them) ----
const B2B_FIELDS = { name: 'b2bName', vatNumber: 'b2bVat', streetName: 'b2bStreet', buildingNumber: 'b2bBuilding', citySubdivision: 'b2bDistrict', city: 'b2bCity', postalZone: 'b2bPostal' };
let b2bProblems = null;        // the fields the till refused, or an error code, kept to say again in the other language
function renderB2bAnswer() {
  const l = L();
  Object.entries(B2B_FIELDS).forEach(([field, id]) => {
    const bad = !!b2bProblems?.fields?.includes(field);
    if (bad) $(id).setAttribute('aria-invalid', 'true'); else $(id).removeAttribute('aria-invalid');
    $(id).closest('label').classList.toggle('bad', bad);
  });
  const answer = $('b2bAnswer');
  answer.className = 'answer' + (b2bProblems ? ' bad' : '');
  answer.replaceChildren(...(!b2bProblems ? [] : b2bProblems.fields
    ? b2bProblems.fields.map((f) => el('span', { class: 'line', 'data-field': f }, l.b2bErr[f] || f))
    : [l.b2bErr[b2bProblems.code] || l.errors[b2bProblems.code] || b2bProblems.message || t('tillDown')]));
}
$('custB2b').onclick = () => {
  $('custDlg').close();
  Object.values(B2B_FIELDS).forEach((id) => { $(id).value = ''; });
  b2bProblems = null; renderB2bAnswer();
  $('b2bDlg').showModal(); $('b2bName').focus();
};
$('b2bSave').onclick = async () => {
  const body = Object.fromEntries(Object.entries(B2B_FIELDS).map(([field, id]) => [field, $(id).value]));
  $('b2bSave').disabled = true;
  try {
    const r = await api('fiscal/zatca/buyer', body).catch(() => null);
    if (r && r.fiscal) fiscal = r.fiscal;
    if (r && r.state) render(r.state);
    if (!r || r.error) {
      b2bProblems = r?.problems ? { fields: r.problems.map((p) => p.field) } : { code: r?.error?.code, message: r?.error?.message };
      renderB2bAnswer();
      const first = r?.problems?.[0];
      if (first && B2B_FIELDS[first.field]) $(B2B_FIELDS[first.field]).focus();
      return;
    }
    b2bProblems = null;
    $('b2bDlg').close();
    toast(noticeText(r));
  } finally { $('b2bSave').disabled = false; }
};

// ---- the tax invoice of a finished sale to a business: cleared by ZATCA (through the connector) before it is given ----
let clearance = null;          // { saleId, outcome } of the sale on screen, as the till answered
async function askClearance(saleId, path) {
  clearance = { saleId, outcome: 'asking' }; renderClearance();
  const r = await api(path, { saleId }).catch(() => null);
  if (r && r.fiscal) fiscal = r.fiscal;
  // The till not answering is the same truth for the cashier as the connector not answering: nothing was cleared.
  const outcome = !r ? 'offline' : path.endsWith('simplified') && r.outcome === 'none' ? 'replaced' : r.outcome;
  clearance = { saleId, outcome };
  renderClearance();
}
function renderClearance() {
  const c = clearance && S?.lastSale && clearance.saleId === S.lastSale.id && clearance.outcome !== 'none' ? clearance : null;
  $('doneZatca').hidden = !c;
  if (!c) return;
  const good = ['cleared', 'report', 'replaced'].includes(c.outcome);
  $('doneZatca').className = 'clearance' + (good ? ' good' : c.outcome === 'asking' ? '' : ' bad');
  $('doneZatca').dataset.outcome = c.outcome;
  $('doneZatcaText').replaceChildren(icon(good ? 'check' : c.outcome === 'asking' ? 'upload' : 'close'), ' ', L().clearance[c.outcome] || c.outcome);
  $('zatcaRetry').hidden = !['offline', 'failed'].includes(c.outcome);
  $('zatcaSimplified').hidden = !['offline', 'failed', 'not-cleared'].includes(c.outcome);
}
$('zatcaRetry').onclick = () => { if (S?.lastSale) askClearance(S.lastSale.id, 'fiscal/zatca/clear'); };
$('zatcaSimplified').onclick = () => { if (S?.lastSale) askClearance(S.lastSale.id, 'fiscal/zatca/simplified'); };
function openRewards() { if (!S.customer) return; $('rewardsAnswer').textContent = ''; renderRewards(); $('rewardsDlg').showModal(); }
$('custRewards').onclick = openRewards;
function renderRewards() {
  const cu = S.customer;
  $('rewardsBalance').textContent = L().balanceLine(cu.name, num(cu.balance));
  $('rewardRemove').hidden = !cu.reward;
  $('rewardsList').replaceChildren(...(cu.rewards.length ? cu.rewards.map((w) => {
    const on = cu.reward && cu.reward.id === w.id;
    return el('li', {}, el('button', {
      type: 'button', class: 'reward' + (on ? ' on' : ''), 'data-test': 'reward', 'data-id': w.id, 'aria-pressed': String(!!on),
      disabled: !w.affordable || !!cu.reward,
      onclick: async () => {
        const r = await act('loyalty/reward', { rewardId: w.id });
        if (r && r.error) $('rewardsAnswer').textContent = L().errors[r.error.code] || r.error.message;
        else if (r) $('rewardsDlg').close();
      }
    }, el('b', {}, ...bidi(w.description)), el('small', {}, w.affordable || !w.atTill ? L().costs(num(w.points)) : `${L().costs(num(w.points))} · ${L().needMore(num(w.needed))}`)));
  }) : [el('li', { class: 'empty' }, t('noRewards'))]));
}
$('rewardRemove').onclick = async () => { const r = await act('loyalty/reward', undefined, 'DELETE'); if (r && !r.error) $('rewardsDlg').close(); };

// ---- shifts ----
$('openShiftBtn').onclick = async () => {
  const v = parseNum($('floatInput').value || '0');
  if (v === null) return toast(t('openingFloat'), true);
  const r = await act('shift/open', { openingFloat: v });
  if (r && !r.error) $('floatInput').value = '';
};
$('menuBtn').onclick = () => { $('mX').disabled = $('mRefund').disabled = $('mCashIn').disabled = $('mCashOut').disabled = $('mClose').disabled = !S?.shift; $('menuDlg').showModal(); };
$('mX').onclick = async () => { $('menuDlg').close(); const r = await api('shift/x').catch(() => null); if (r && r.report) showReport(r.report); };
$('mClose').onclick = () => { $('menuDlg').close(); $('countInput').value = ''; $('closeDlg').showModal(); $('countInput').focus(); };
$('closeOk').onclick = async () => {
  const v = parseNum($('countInput').value);
  if (v === null) return toast(t('countedCash'), true);
  const r = await api('shift/close', { countedCash: v }).catch(() => null);
  if (!r) return;
  render(r.state);
  if (r.error) return toast(L().errors[r.error.code] || r.error.message, true);
  $('closeDlg').close();
  showReport(r.report);
};
let cashDirection = 1;
$('mCashIn').onclick = () => openCash(1);
$('mCashOut').onclick = () => openCash(-1);
function openCash(direction) {
  cashDirection = direction;
  $('menuDlg').close();
  $('cashTitle').textContent = direction > 0 ? t('cashIn') : t('cashOut');
  $('cashAmount').value = ''; $('cashReason').value = '';
  $('cashDlg').showModal();
}
$('cashOk').onclick = async () => {
  const v = parseNum($('cashAmount').value);
  if (v === null || v <= 0) return;
  let pin = null;
  if (cashDirection < 0) { $('cashDlg').close(); pin = await askPin(L().pinFor.cashout); if (pin === null) return; }
  const r = await act('shift/cash', { amount: cashDirection * v, reason: $('cashReason').value, managerPin: pin });
  if (r && !r.error && $('cashDlg').open) $('cashDlg').close();
};
// ---- refunds: find the sale by its receipt, choose what comes back, a manager approves ----
let refundable = null;
let refundPayout = 'original';
$('mRefund').onclick = () => {
  $('menuDlg').close();
  refundable = null; $('refundFind').value = ''; $('refundReason').value = ''; $('refundSale').textContent = '';
  foundSales = []; $('refundFound').replaceChildren(); $('refundMore').hidden = true; $('refundSearch').open = false; $('refundDate').value = ''; $('refundAmount').value = '';
  $('refundLines').replaceChildren(); $('refundOk').disabled = true; renderPayout();
  $('refundDlg').showModal(); $('refundFind').focus();
};
function renderPayout() {
  $('refundPayout').replaceChildren(...[['original', t('toOriginal')], ['cash', t('inCash')]].map(([k, label]) => el('button', {
    type: 'button', 'aria-pressed': String(refundPayout === k), onclick: () => { refundPayout = k; renderPayout(); }
  }, label)));
}
async function findRefundable() {
  const r = await api('refund/find?q=' + encodeURIComponent($('refundFind').value.trim())).catch(() => null);
  if (!r) return;
  if (r.error) { refundable = null; $('refundSale').textContent = L().errors[r.error.code] || r.error.message; $('refundLines').replaceChildren(); $('refundOk').disabled = true; return; }
  refundable = r.sale;
  renderRefundable();
  $('refundOk').disabled = false;
}
// Redrawn on a language switch, keeping the quantities typed so far.
function renderRefundable() {
  if (!refundable) return;
  const typed = Object.fromEntries([...$('refundLines').querySelectorAll('input')].map((i) => [i.dataset.line, i.value]));
  $('refundSale').textContent = `${refundable.number} · ${num(refundable.at)} · ${money(refundable.amountDue)}`;
  $('refundLines').replaceChildren(...refundable.lines.map((l) => el('li', {},
    el('span', { class: 'what' }, l.name, el('small', {}, `${num(l.left)} ${t('left')} · ${num(l.unitPrice)}`)),
    el('input', { inputmode: 'decimal', 'data-line': l.lineNumber, 'data-test': 'refund-qty', value: typed[l.lineNumber] ?? '0', disabled: Number(l.left) <= 0 }))));
}
$('refundFindBtn').onclick = findRefundable;
// Finding a sale without its receipt: part of the number, a customer, a product, the day, the amount; newest first.
let foundPage = 0;
let foundSales = [];
async function searchSales(page) {
  const q = new URLSearchParams({ q: $('refundFind').value.trim(), page: String(page) });
  const date = $('refundDate').value; const amount = parseNum($('refundAmount').value);
  if (date) q.set('date', date);
  if (amount !== null) q.set('amount', String(amount));
  const r = await api('refund/search?' + q).catch(() => null);
  if (!r) return;
  if (r.error) { $('refundSale').textContent = L().errors[r.error.code] || r.error.message; return; }
  foundPage = r.page;
  foundSales = page === 0 ? r.sales : foundSales.concat(r.sales);
  $('refundMore').hidden = !r.hasMore;
  renderFound();
}
function renderFound() {
  $('refundSale').textContent = foundSales.length ? '' : t('noSales');
  $('refundFound').replaceChildren(...foundSales.map((f) => el('li', {}, el('button', { type: 'button', 'data-test': 'refund-found-sale', onclick: () => { $('refundFind').value = f.number; $('refundSearch').open = false; findRefundable(); } },
    el('span', { class: 'num' }, f.number), el('b', {}, money(f.amountDue)),
    el('small', {}, `${num(f.at)} · ${L().lines(num(f.lines), f.lines)}${f.customer ? ' · ' + f.customer : ''}`)))));
}
$('refundSearchBtn').onclick = () => searchSales(0);
$('refundMore').onclick = () => searchSales(foundPage + 1);
$('refundFind').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); findRefundable(); } });
$('refundOk').onclick = async () => {
  if (!refundable) return;
  const lines = [...$('refundLines').querySelectorAll('input')].map((i) => ({ lineNumber: Number(i.dataset.line), quantity: parseNum(i.value) || 0 })).filter((l) => l.quantity > 0);
  if (!lines.length) return;
  const pin = await askPin(t('pinForRefund'));
  if (pin === null) return;
  const r = await act('refund', { saleId: refundable.saleId, lines, payout: refundPayout, reason: $('refundReason').value, managerPin: pin });
  if (r && !r.error && $('refundDlg').open) $('refundDlg').close();
};
$('mClear').onclick = async () => { $('menuDlg').close(); await act('cart/clear', {}); };

// ---- tax authority (ZATCA onboarding with the OTP the owner got on the Fatoora portal) ----
function renderFiscal() {
  if (!fiscal) return;
  const l = L();
  $('zatcaState').textContent = !fiscal.zatca ? l.zatcaOff
    : fiscal.onboarded ? l.zatcaUntil(num(fiscal.validUntil || '')) + (fiscal.renewSoon ? ' ' + l.zatcaRenew : '') : l.zatcaNot;
  $('zatcaCounts').textContent = fiscal.zatca ? l.zatcaCounts(num(String(fiscal.issued)), num(String(fiscal.waiting)), fiscal.notCleared ? num(String(fiscal.notCleared)) : 0) : '';
  $('zatcaOnboard').disabled = !fiscal.zatca;
}
$('mZatca').onclick = async () => {
  $('menuDlg').close();
  $('zatcaOtp').value = ''; $('zatcaPin').value = ''; $('zatcaAnswer').textContent = '';
  fiscal = await api('fiscal').catch(() => null);
  renderFiscal();
  $('zatcaDlg').showModal(); $('zatcaOtp').focus();
};
$('zatcaOnboard').onclick = async () => {
  $('zatcaOnboard').disabled = true;
  $('zatcaAnswer').textContent = '…';
  const r = await api('fiscal/zatca/onboard', { otp: $('zatcaOtp').value, managerPin: $('zatcaPin').value }).catch(() => null);
  if (r && r.fiscal) fiscal = r.fiscal;
  renderFiscal();
  const l = L();
  $('zatcaAnswer').textContent = !r ? l.zatcaErr.offline : r.error ? (l.zatcaErr[r.error.code] || r.error.message) : l.zatcaDone;
  $('zatcaAnswer').className = 'answer' + (r && !r.error ? '' : ' bad');
  if (r && !r.error) $('zatcaOtp').value = '';
  $('zatcaPin').value = '';
};

let lastReport = null;
function showReport(r) {
  lastReport = r;
  $('reportTitle').textContent = r.kind === 'Z' ? t('zReport') : t('xTitle');
  const row = (label, value, cls) => el('tr', { class: cls || '' }, el('td', {}, label), el('td', {}, value));
  const head = (label) => el('tr', { class: 'head' }, el('th', { colspan: '2' }, label));
  const rows = [
    row(`${t('shift')} ${num(r.shiftNumber)}`, num(r.openedAt) + (r.closedAt ? ` – ${num(r.closedAt)}` : '')),
    head(t('sales')), row(`${t('sales')} (${num(r.salesCount)})`, money(r.salesTotal), 'strong'),
    row(`${t('refunds')} (${num(r.refundsCount)})`, money(r.refundsTotal)), row(t('discounts'), money(r.discounts)),
    head(t('taxes')), ...r.taxes.map((x) => row(`${x.name} · ${t('base')} ${num(x.base)}`, money(x.amount))),
    head(t('payments')), ...r.payments.map((p) => row(`${p.name || t(p.kind)} (${num(p.count)})`, money(p.amount))),
    head(t('drawer')), row(t('float'), money(r.openingFloat)), row(t('cashSales'), money(r.cashFromSales)),
    row(t('cashIn'), money(r.cashIn)), row(t('cashOut'), money(r.cashOut)), row(t('expected'), money(r.expectedCash), 'strong')
  ];
  if (r.countedCash != null) rows.push(row(t('counted'), money(r.countedCash), 'strong'), row(t('difference'), money(r.difference), 'strong'));
  $('reportBody').replaceChildren(el('table', { class: 'report', 'data-test': 'report-table' }, el('tbody', {}, ...rows)));
  if (!$('reportDlg').open) $('reportDlg').showModal();
}

// ---- chrome ----
// The cart is the till's, so switching language only redraws it.
function setLanguage(l) {
  lang = l;
  localStorage.setItem('till.lang', lang);
  if (S) render(S);
  if ($('reportDlg').open && lastReport) showReport(lastReport);
  if ($('refundDlg').open) { renderPayout(); renderRefundable(); if (foundSales.length) renderFound(); }
  if ($('sendDlg').open) renderSendChannel();
  renderDoneAnswer();
  renderB2bAnswer();
  renderClearance();
}
window.posbridge.setLanguage = setLanguage;
$('langBtn').onclick = () => setLanguage(lang === 'ar' ? 'en' : 'ar');
$('tabCart').onclick = () => showTab('cart');
$('tabProducts').onclick = () => showTab('products');
document.querySelectorAll('[data-close]').forEach((b) => { b.onclick = () => b.closest('dialog').close(); });
$('loginOk').onclick = async () => {
  const res = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pin: $('loginPin').value }) });
  if (res.ok) { $('loginDlg').close(); start(); } else toast(L().errors['pin-wrong'], true);
};

async function refreshSync() {
  try { const sync = await api('sync'); if (sync) renderSync(sync); } catch { /* shown as till down */ }
}
async function start() {
  try {
    const [state, layout, fiscalState] = await Promise.all([api('state'), api('tiles'), api('fiscal')]);
    tiles = layout || [];
    fiscal = fiscalState;
    render(state);
  } catch { setTimeout(start, 2000); }
}
start();
setInterval(refreshSync, 2000);
document.addEventListener('visibilitychange', () => { if (!document.hidden) start(); });
if ('serviceWorker' in navigator && window.isSecureContext) navigator.serviceWorker.register('sw.js').catch(() => {});

// The manager dashboard: plain DOM, no framework and nothing from a CDN. Every action goes through the
// connector's API with the session's anti-forgery token; the server checks everything again.
(() => {
  'use strict';
  const API = '/dashboard/api';
  const CSRF_HEADER = 'X-PosBridge-CSRF';
  const REFRESH_MS = 10000;

  const text = {
    en: {
      title: 'PosBridge dashboard', logout: 'Sign out', signIn: 'Sign in', password: 'Password', signInButton: 'Sign in',
      accountName: 'Account name', code: 'Code', codeHelp: 'Type the 6-digit code your authenticator app shows for PosBridge, or one of your recovery codes.',
      security: 'Authenticator app', enrolTitle: 'Set up an authenticator app',
      enrolHelp: 'Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator, 2FAS, …), then type the 6-digit code it shows. Owners, and anyone changing data, sign in with such a code.',
      enrolOwner: 'An owner account signs in with a code from an authenticator app: set one up now to continue.',
      enrolSecret: 'Or type this key into the app:', enrolConfirm: 'Confirm', recoveryTitle: 'Your recovery codes',
      recoveryHelp: 'Write these down and keep them safe: each signs in once in place of a code if the phone is lost. They are shown only now.',
      recoveryDone: 'I have kept them', accountsTitle: 'Accounts', role: 'Role', mfa: 'Authenticator', lockedUntil: 'Locked until', lastLogin: 'Last sign-in',
      addAccount: 'Add account', unlock: 'Unlock', resetMfa: 'Reset authenticator', remove: 'Remove', yes: 'yes', no: 'no',
      'role_read-only': 'read-only', role_accountant: 'accountant', role_manager: 'manager', role_owner: 'owner',
      accountAdded: 'Account {0} added.', accountChanged: 'Account {0} changed.', signedInAs: '{0} ({1})',
      'p:dashboard-code-used': 'That code was used already: wait for the next one.',
      'p:dashboard-wrong-code': 'Wrong code.',
      'p:dashboard-account-locked': 'This account is locked. {0}',
      'p:dashboard-role': 'Your role does not allow this. {0}',
      'p:dashboard-mfa-required': 'This needs a code from an authenticator app. {0}',
      adapters: 'Back offices', noAdapters: 'No adapters are enabled: sales wait in the inbox until one is.',
      tills: 'Tills', noTills: 'No tills yet: create a pairing code below.',
      zTitle: 'Recent Z reports', shift: 'Shift', closedAt: 'Closed', expected: 'Expected cash', counted: 'Counted', difference: 'Difference',
      backOffices: 'Back offices', noZ: 'No shift has been closed yet.', z_closed: 'session closed', z_nothing: 'no session', z_retry: 'retrying', z_dead: 'failed', z_waiting: 'waiting for sales',
      store: 'Store', till: 'Till', name: 'Name', state: 'Status', lastUpload: 'Last upload', lastContact: 'Last contact',
      ledgerTitle: 'Ledger files', ledger: 'Ledger', file: 'File', size: 'Size', written: 'Written', kb: '{0} KB',
      fiscalTitle: 'Tax authority documents', fiscalHelp: 'Invoices (ZATCA) and e-receipts (ETA) the tills signed or chained, and what the authority said. Listed here: every one not simply accepted.',
      authority: 'Authority', messages: 'Messages', whatToDo: 'What to do', overdue: 'over 24 hours',
      f_waiting: 'waiting', f_reported: 'reported', f_warnings: 'reported with warnings', f_rejected: 'rejected', 'f_eta-rejected': 'rejected', 'f_not-cleared': 'not cleared', f_attention: 'stopped',
      'f_eta-validating': 'submitted, waiting for validation', 'f_eta-valid': 'valid', 'f_eta-invalid': 'invalid', 'f_eta-cancelled': 'cancelled',
      'v_waiting': 'ETA: waiting for validation', 'v_valid': 'ETA: valid', 'v_invalid': 'ETA: invalid', 'v_cancelled': 'ETA: cancelled',
      'fd_eta-validating': 'Nothing yet: the ETA took this receipt and validates it; the connector asks for the result until the ETA says valid or invalid. Until then it is not yet a confirmed e-receipt.',
      'fd_eta-valid': 'Nothing: the ETA validated it; it is a valid e-receipt.',
      'fd_eta-invalid': "The ETA found this receipt invalid, so it is not a valid tax document. Correct what the errors say (usually the till's ETA settings: registration number, branch, activity code; or an item's ETA code), then issue a new receipt for this sale at the till. Do not issue a return receipt against the invalid one. Tell your accountant which sale's receipt was invalid.",
      'fd_eta-cancelled': 'Cancelled at the ETA, so it is no longer a valid tax document: if the sale stands, issue a new receipt for it at the till.',
      fd_waiting: 'Nothing yet: the connector sends it and retries until the authority answers (within 24 hours of the sale).',
      fd_warnings: "Reported. Fix what the warnings say in the till's settings so later invoices are clean.",
      fd_rejected: 'Refused: correct what the errors say, then issue a credit note (return receipt) for this sale and sell again.',
      'fd_eta-rejected': 'Refused by the ETA: this receipt is not registered, and sent again as it is it is refused again. Correct what the errors say (usually the till\'s ETA settings: registration number, branch, activity code; or an item\'s ETA code) so the next receipts are accepted. Do not issue a return receipt for this sale: it would refer to a receipt the ETA never registered. Tell your accountant which sale has no valid e-receipt.',
      'fd_not-cleared': "Not cleared by ZATCA: this standard invoice was never issued, so do not give it to the buyer. Correct what the errors say (often the buyer's VAT number or address) and issue a new invoice for the sale at the till, or a simplified invoice if the buyer agrees.",
      fd_attention: "Sending stopped for this till: read the message (usually: onboard the till again, or fill its ETA credentials); waiting documents go once it is fixed.",
      a_ZATCA: 'ZATCA', a_ETA: 'ETA',
      ledgerProblemTitle: 'Ledger days not written', day: 'Day', reason: 'Reason',
      setupTitle: 'Back-office set-up to fix', setupCheck: 'Check again', backOffice: 'Back office', severity: 'Severity', subject: 'About',
      setupHelp: "What a back office says would stop the shop's sales there, or book them wrongly, checked at start and every half hour. Fix it in the setting or the back-office screen named, then check again.",
      s_blocking: 'sales wait', s_warning: 'warning', s_unreachable: 'not checked', setupChecked: 'Checked {0}', setupClean: 'Nothing to fix in {0}.',
      catalogProblemTitle: 'Catalog not pulled', catalogSource: 'Source', failedAt: 'Failed at',
      catalogProblemHelp: 'The last pull of these catalogs failed; their tills keep the last good catalog. Fix the cause; the next pull clears the line.',
      ledgerProblemHelp: 'The close-of-day run writes a day whole or not at all: these days have sales it could not book. Fix the cause; the next run writes the day.',
      noLedgerFiles: 'No ledger file has been written yet: the close-of-day run writes each day once it has closed.',
      productFileTitle: 'Product file', upload: 'Upload and publish', row: 'Row', column: 'Column', problem: 'Problem',
      productFileHelp: "Upload the store's products as CSV or XLSX. Every row is checked first: with any problem nothing is imported, and each one is listed by row and column.",
      imported: 'Store {0}: {1} products and {2} stock levels published; {3} taken off sale. Tills get them at their next catalog pull.',
      notImported: '{0} problem(s) in the file; nothing was imported. Fix them and upload it again.', wholeRow: '—',
      pairTitle: 'Pair a till', createCode: 'Create pairing code', codeFor: 'Pairing code for',
      expires: 'Type it on the till before {0}. It works once.',
      waiting: 'Waiting', oldest: 'Oldest waiting', delivered: 'Delivered', deadLetters: 'Dead letters',
      lastSuccess: 'Last success', nextAttempt: 'Next attempt', nextRun: 'next run', lastError: 'Last error',
      retry: 'Retry dead letters', healthy: 'Healthy', backlog: 'Catching up', failing: 'Failing', attention: 'Needs attention', off: 'Switched off',
      deadTitle: 'Dead letters (sales the back office refused)', attempts: 'attempts: {0}', dueNow: 'due now', noReason: 'no reason given',
      state_paired: 'Paired', state_revoked: 'Revoked', state_waiting: 'Waiting for pairing',
      revoke: 'Revoke', confirmRevoke: 'Confirm revoke', never: 'never', updated: 'Updated {0}',
      retried: '{0} dead letters queued again for {1}; the next delivery run takes them.',
      revoked: 'Till {0} is revoked: its next request is refused. Sales already received are kept and delivered.',
      receiptTitle: 'Receipts not sent', receiptHelp: 'E-mails and SMS a customer asked for that failed, or that may not have gone because the connector stopped while sending.',
      sale: 'Sale', to: 'To', r_dead: 'failed', r_uncertain: 'may not have gone', r_expired: 'link expired', resend: 'Send again',
      ch_email: 'e-mail', ch_sms: 'SMS', resent: 'The receipt for {0} is queued again; it goes with the next send run.',
      'p:dashboard-receipt-not-stuck': 'That message is no longer stuck; the list is reloaded.',
      'p:dashboard-receipt-expired': 'Its link has expired: print the receipt or send it again from the till.',
      reportsLink: 'Sales reports', language: 'العربية', loginFirst: 'Sign in to see the connector.',
      'p:dashboard-wrong-password': 'Wrong name or password.',
      'p:dashboard-login-throttled': 'Too many wrong passwords. {0}',
      'p:dashboard-login-required': 'Your session has ended; sign in again.',
      'p:dashboard-csrf': 'The request did not come from the dashboard; reload the page.',
      'p:network': 'The connector cannot be reached. Check that it runs, then try again.',
    },
    ar: {
      title: 'لوحة PosBridge', logout: 'تسجيل الخروج', signIn: 'تسجيل الدخول', password: 'كلمة المرور', signInButton: 'دخول',
      accountName: 'اسم الحساب', code: 'الرمز', codeHelp: 'اكتب الرمز المكوّن من 6 أرقام الذي يعرضه تطبيق المصادقة لـ PosBridge، أو أحد رموز الاسترداد.',
      security: 'تطبيق المصادقة', enrolTitle: 'إعداد تطبيق المصادقة',
      enrolHelp: 'امسح هذا الرمز بتطبيق مصادقة (Google Authenticator أو Microsoft Authenticator أو 2FAS …)، ثم اكتب الرمز المكوّن من 6 أرقام الذي يعرضه. المالك وكل من يغيّر البيانات يدخل بهذا الرمز.',
      enrolOwner: 'حساب المالك يدخل برمز من تطبيق مصادقة: أعدّه الآن للمتابعة.',
      enrolSecret: 'أو اكتب هذا المفتاح في التطبيق:', enrolConfirm: 'تأكيد', recoveryTitle: 'رموز الاسترداد',
      recoveryHelp: 'دوّن هذه الرموز واحفظها في مكان آمن: كل رمز يُدخلك مرة واحدة بدل رمز التطبيق إن ضاع الهاتف. لن تظهر مرة أخرى.',
      recoveryDone: 'حفظتها', accountsTitle: 'الحسابات', role: 'الدور', mfa: 'تطبيق المصادقة', lockedUntil: 'مقفل حتى', lastLogin: 'آخر دخول',
      addAccount: 'إضافة حساب', unlock: 'فك القفل', resetMfa: 'إعادة ضبط المصادقة', remove: 'حذف', yes: 'نعم', no: 'لا',
      'role_read-only': 'اطلاع فقط', role_accountant: 'محاسب', role_manager: 'مدير', role_owner: 'مالك',
      accountAdded: 'أُضيف الحساب {0}.', accountChanged: 'عُدّل الحساب {0}.', signedInAs: '{0} ({1})',
      'p:dashboard-code-used': 'استُخدم هذا الرمز من قبل: انتظر الرمز التالي.',
      'p:dashboard-wrong-code': 'الرمز غير صحيح.',
      'p:dashboard-account-locked': 'هذا الحساب مقفل. {0}',
      'p:dashboard-role': 'دورك لا يسمح بهذا. {0}',
      'p:dashboard-mfa-required': 'يتطلب هذا رمزاً من تطبيق مصادقة. {0}',
      adapters: 'الأنظمة الخلفية', noAdapters: 'لا توجد أنظمة مفعّلة: تبقى المبيعات في صندوق الوارد حتى يُفعَّل أحدها.',
      tills: 'نقاط البيع', noTills: 'لا توجد نقاط بيع بعد: أنشئ رمز إقران أدناه.',
      zTitle: 'أحدث تقارير إغلاق الورديات', shift: 'الوردية', closedAt: 'الإغلاق', expected: 'النقد المتوقع', counted: 'المعدود', difference: 'الفرق',
      backOffices: 'الأنظمة الخلفية', noZ: 'لم تُغلق أي وردية بعد.', z_closed: 'أُغلقت الجلسة', z_nothing: 'لا جلسة', z_retry: 'إعادة المحاولة', z_dead: 'فشل', z_waiting: 'بانتظار المبيعات',
      store: 'المتجر', till: 'نقطة البيع', name: 'الاسم', state: 'الحالة', lastUpload: 'آخر رفع', lastContact: 'آخر اتصال',
      ledgerTitle: 'ملفات الدفاتر', ledger: 'الدفتر', file: 'الملف', size: 'الحجم', written: 'كُتب', kb: '{0} ك.ب',
      fiscalTitle: 'مستندات الجهة الضريبية', fiscalHelp: 'الفواتير (هيئة الزكاة والضريبة والجمارك) والإيصالات الإلكترونية (مصلحة الضرائب المصرية) التي وقّعتها نقاط البيع أو سلسلتها، وما قالته الجهة. يظهر هنا كل مستند لم يُقبل قبولًا تامًا.',
      authority: 'الجهة', messages: 'الرسائل', whatToDo: 'ما العمل', overdue: 'أكثر من ٢٤ ساعة',
      f_waiting: 'بانتظار الإرسال', f_reported: 'أُبلغ', f_warnings: 'أُبلغ مع تحذيرات', f_rejected: 'مرفوض', 'f_eta-rejected': 'مرفوض', 'f_not-cleared': 'لم تُعتمد', f_attention: 'متوقف',
      'f_eta-validating': 'أُرسل، بانتظار التحقق', 'f_eta-valid': 'صالح', 'f_eta-invalid': 'غير صالح', 'f_eta-cancelled': 'ملغى',
      'v_waiting': 'المصلحة: بانتظار التحقق', 'v_valid': 'المصلحة: صالح', 'v_invalid': 'المصلحة: غير صالح', 'v_cancelled': 'المصلحة: ملغى',
      'fd_eta-validating': 'لا شيء الآن: استلمت مصلحة الضرائب هذا الإيصال وتتحقق منه؛ يسأل الموصل عن النتيجة حتى تقول المصلحة إنه صالح أو غير صالح. وحتى ذلك الحين ليس إيصالًا إلكترونيًا مؤكدًا.',
      'fd_eta-valid': 'لا شيء: تحققت منه مصلحة الضرائب، وهو إيصال إلكتروني صالح.',
      'fd_eta-invalid': 'وجدت مصلحة الضرائب هذا الإيصال غير صالح، فهو ليس مستندًا ضريبيًا صالحًا. صحّح ما تذكره الأخطاء (غالبًا إعدادات نقطة البيع لدى المصلحة: رقم التسجيل أو الفرع أو رمز النشاط، أو رمز صنف مسجّل لدى المصلحة)، ثم أصدر إيصالًا جديدًا لهذا البيع من نقطة البيع. لا تُصدر إيصال مرتجع على الإيصال غير الصالح. أبلغ محاسبك بالبيع الذي كان إيصاله غير صالح.',
      'fd_eta-cancelled': 'أُلغي لدى مصلحة الضرائب، فلم يعد مستندًا ضريبيًا صالحًا: إن كان البيع قائمًا فأصدر له إيصالًا جديدًا من نقطة البيع.',
      fd_waiting: 'لا شيء الآن: يرسله الموصل ويعيد المحاولة حتى ترد الجهة (خلال ٢٤ ساعة من البيع).',
      fd_warnings: 'أُبلغ. أصلح ما تذكره التحذيرات في إعدادات نقطة البيع لتكون الفواتير التالية سليمة.',
      fd_rejected: 'مرفوض: صحّح ما تذكره الأخطاء، ثم أصدر إشعارًا دائنًا (إيصال مرتجع) لهذا البيع وبِع من جديد.',
      'fd_eta-rejected': 'رفضته مصلحة الضرائب: هذا الإيصال غير مسجّل، وإن أُرسل كما هو رُفض مجددًا. صحّح ما تذكره الأخطاء (غالبًا إعدادات نقطة البيع لدى المصلحة: رقم التسجيل أو الفرع أو رمز النشاط، أو رمز صنف مسجّل لدى المصلحة) لتُقبل الإيصالات التالية. لا تُصدر إيصال مرتجع لهذا البيع: فهو يشير إلى إيصال لم تسجّله المصلحة. أبلغ محاسبك بالبيع الذي ليس له إيصال إلكتروني صالح.',
      'fd_not-cleared': 'لم تعتمدها هيئة الزكاة: هذه الفاتورة الضريبية لم تصدر قط، فلا تُسلَّم للمشتري. صحّح ما تذكره الأخطاء (غالبًا الرقم الضريبي للمشتري أو عنوانه) وأصدر فاتورة جديدة للبيع من نقطة البيع، أو فاتورة مبسطة إن وافق المشتري.',
      fd_attention: 'توقف الإرسال لنقطة البيع هذه: اقرأ الرسالة (غالبًا: أعد تسجيل نقطة البيع لدى الهيئة، أو أكمل بيانات اعتمادها لدى المصلحة)؛ تُرسل المستندات المنتظرة بعد الإصلاح.',
      a_ZATCA: 'هيئة الزكاة', a_ETA: 'مصلحة الضرائب',
      ledgerProblemTitle: 'أيام لم تُكتب في الدفاتر', day: 'اليوم', reason: 'السبب',
      setupTitle: 'إعدادات الأنظمة الخلفية المطلوب إصلاحها', setupCheck: 'افحص مجددًا', backOffice: 'النظام الخلفي', severity: 'الخطورة', subject: 'يخص',
      setupHelp: 'ما يقول النظام الخلفي إنه سيوقف مبيعات المتجر فيه أو يقيدها خطأً، ويُفحص عند البدء وكل نصف ساعة. أصلحه في الإعداد أو الشاشة المذكورة ثم افحص مجددًا.',
      s_blocking: 'المبيعات تنتظر', s_warning: 'تحذير', s_unreachable: 'لم يُفحص', setupChecked: 'فُحص {0}', setupClean: 'لا شيء يحتاج إصلاحًا في {0}.',
      catalogProblemTitle: 'كتالوج لم يُسحب', catalogSource: 'المصدر', failedAt: 'وقت الفشل',
      catalogProblemHelp: 'فشل آخر سحب لهذه الكتالوجات؛ تحتفظ نقاط البيع بآخر كتالوج سليم. أصلح السبب وسيزيل السحب التالي السطر.',
      ledgerProblemHelp: 'يكتب إغلاق اليوم اليوم كاملًا أو لا يكتبه: في هذه الأيام مبيعات تعذّر قيدها. أصلح السبب وسيكتب التشغيل التالي اليوم.',
      noLedgerFiles: 'لم يُكتب أي ملف بعد: يكتب إغلاق اليوم ملفات كل يوم بعد انتهائه.',
      productFileTitle: 'ملف المنتجات', upload: 'رفع ونشر', row: 'الصف', column: 'العمود', problem: 'المشكلة',
      productFileHelp: 'ارفع ملف منتجات المتجر (جدول بيانات إكسل أو ملف قيم مفصولة بفواصل). يُفحص كل صف أولًا: إن وُجدت أي مشكلة لا يُستورد شيء، وتُذكر كل مشكلة بصفها وعمودها.',
      imported: 'المتجر {0}: نُشر {1} منتج و{2} رصيد مخزون؛ وأُوقف بيع {3}. تصل إلى نقاط البيع عند سحب الكتالوج التالي.',
      notImported: '{0} مشكلة في الملف؛ لم يُستورد شيء. أصلحها وارفع الملف مجددًا.', wholeRow: '—',
      pairTitle: 'إقران نقطة بيع', createCode: 'إنشاء رمز إقران', codeFor: 'رمز الإقران لـ',
      expires: 'اكتبه على نقطة البيع قبل {0}. يعمل مرة واحدة.',
      waiting: 'بالانتظار', oldest: 'أقدم عملية بالانتظار', delivered: 'تم التسليم', deadLetters: 'مرفوضة',
      lastSuccess: 'آخر نجاح', nextAttempt: 'المحاولة التالية', nextRun: 'الدورة التالية', lastError: 'آخر خطأ',
      retry: 'إعادة محاولة المرفوضة', healthy: 'سليم', backlog: 'يلحق بالمتأخر', failing: 'متعطل', attention: 'يحتاج متابعة', off: 'متوقف',
      deadTitle: 'مبيعات رفضها النظام الخلفي', attempts: 'المحاولات: {0}', dueNow: 'مستحقة الآن', noReason: 'بدون سبب',
      state_paired: 'مقترنة', state_revoked: 'مُبطَلة', state_waiting: 'بانتظار الإقران',
      revoke: 'إبطال', confirmRevoke: 'تأكيد الإبطال', never: 'أبداً', updated: 'حُدّث {0}',
      retried: 'أُعيدت {0} عمليات مرفوضة إلى طابور {1}؛ تأخذها دورة التسليم التالية.',
      revoked: 'أُبطلت نقطة البيع {0}: يُرفض طلبها التالي. المبيعات المستلمة محفوظة وتُسلَّم.',
      receiptTitle: 'إيصالات لم تُرسل', receiptHelp: 'رسائل بريد ونصية طلبها العميل وفشلت، أو ربما لم تُرسل لأن الموصل توقف أثناء الإرسال.',
      sale: 'البيع', to: 'إلى', r_dead: 'فشلت', r_uncertain: 'ربما لم تُرسل', r_expired: 'انتهى الرابط', resend: 'إرسال مجدداً',
      ch_email: 'بريد', ch_sms: 'رسالة نصية', resent: 'أُعيد إيصال {0} إلى الطابور؛ يُرسل في دورة الإرسال التالية.',
      'p:dashboard-receipt-not-stuck': 'لم تعد الرسالة عالقة؛ أُعيد تحميل القائمة.',
      'p:dashboard-receipt-expired': 'انتهى رابطها: اطبع الإيصال أو أرسله مجدداً من نقطة البيع.',
      reportsLink: 'تقارير المبيعات', language: 'English', loginFirst: 'سجّل الدخول لعرض الموصل.',
      'p:dashboard-wrong-password': 'اسم الحساب أو كلمة المرور غير صحيحة.',
      'p:dashboard-login-throttled': 'محاولات خاطئة كثيرة. {0}',
      'p:dashboard-login-required': 'انتهت الجلسة؛ سجّل الدخول من جديد.',
      'p:dashboard-csrf': 'الطلب لم يصدر من اللوحة؛ أعد تحميل الصفحة.',
      'p:network': 'تعذّر الوصول إلى الموصل. تأكد من تشغيله ثم حاول مجدداً.',
    },
  };

  let lang = localStorage.getItem('posbridge-dashboard-lang') === 'ar' ? 'ar' : 'en';
  let csrf = null;
  // The signed-in account ({ account, role, secondFactor, enrolled }), and the name and password between the two
  // steps of a login that needs a code (kept in this page's memory only until the code is sent).
  let me = null;
  let pending = null;
  const RANK = { 'read-only': 0, accountant: 1, manager: 2, owner: 3 };
  let overview = null;
  let fiscal = null;
  let timer = null;
  let fetchedAt = 0;

  const $ = (test) => document.querySelector(`[data-test="${test}"]`);
  const t = (key, ...args) => (text[lang][key] ?? text.en[key] ?? key).replace(/\{(\d)\}/g, (_, i) => args[Number(i)]);
  // Arabic in each store's digits (PosBridge:Stores:<id>:Digits): Arabic-Indic unless the store says latin. Figures
  // that belong to no one store use Latin digits only when every store does.
  const digitsOf = (storeId) => {
    const stores = overview?.stores ?? [];
    const store = stores.find((s) => s.id === storeId);
    if (store) return store.digits;
    return stores.length > 0 && stores.every((s) => s.digits === 'latin') ? 'latin' : 'arabic';
  };
  const locale = (storeId) => (lang === 'ar' ? (digitsOf(storeId) === 'latin' ? 'ar-EG-u-nu-latn' : 'ar-EG-u-nu-arab') : 'en-GB');
  const num = (n) => new Intl.NumberFormat(locale()).format(n);
  // An amount in its store's currency and digits: "EGP 1,250.00" in English, "١٬٢٥٠٫٠٠ ج.م.‏" in Arabic.
  const money = (storeId, currency, value) => {
    try {
      return new Intl.NumberFormat(locale(storeId), { style: 'currency', currency }).format(Number(value));
    } catch {
      return `${currency} ${new Intl.NumberFormat(locale(storeId)).format(Number(value))}`;
    }
  };

  function when(iso, storeId) {
    if (!iso) return t('never');
    const at = new Date(iso);
    // Against the connector's clock, not this computer's, which may be off.
    const now = overview ? new Date(overview.generatedAt).getTime() + (Date.now() - fetchedAt) : Date.now();
    const seconds = Math.round((at.getTime() - now) / 1000);
    const rtf = new Intl.RelativeTimeFormat(locale(storeId), { numeric: 'auto' });
    const abs = Math.abs(seconds);
    if (abs < 60) return rtf.format(seconds, 'second');
    if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
    if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
    return rtf.format(Math.round(seconds / 86400), 'day');
  }
  const full = (iso, storeId) => (iso ? new Intl.DateTimeFormat(locale(storeId), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '');

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

  // The last message, kept as its key where it has one, so switching language translates it too.
  let said = null;

  function sayKey(key, ...args) {
    say(t(key, ...args), true);
    said = { key, args };
  }

  function say(message, ok = false) {
    said = null;
    const box = $('message');
    box.textContent = message;
    box.classList.toggle('ok', ok);
    box.hidden = !message;
  }

  async function api(method, path, body) {
    let response;
    try {
      response = await fetch(API + path, {
        method,
        credentials: 'same-origin',
        headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(csrf ? { [CSRF_HEADER]: csrf } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch {
      throw new Error(t('p:network'));
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    const type = (data.type || '').replace('urn:posbridge:problem:', '');
    if (response.status === 401 && type === 'dashboard-login-required') showLogin();
    const known = text[lang]['p:' + type];
    const error = new Error(known ? known.replace('{0}', data.detail || '') : (data.detail || data.title || `HTTP ${response.status}`));
    error.type = type;
    throw error;
  }

  function showLogin() {
    csrf = null;
    me = null;
    pending = null;
    clearInterval(timer);
    $('board').hidden = true;
    $('logout').hidden = true;
    $('security').hidden = true;
    $('enrol').hidden = true;
    $('who').textContent = '';
    $('login').hidden = false;
    $('login-form').hidden = false;
    $('code-form').hidden = true;
    $('updated').textContent = '';
    $('account-name').focus();
  }

  // After a login or at load: an owner without an authenticator sets one up before anything else.
  function signedIn(session) {
    csrf = session.csrfToken;
    me = session;
    pending = null;
    showWho();
    $('logout').hidden = false;
    $('security').hidden = false;
    if (!session.enrolled && session.role === 'owner') return showEnrol(true);
    return showBoard();
  }

  function showWho() {
    $('who').textContent = me ? t('signedInAs', me.account, t('role_' + me.role)) : '';
  }

  function showBoard() {
    $('login').hidden = true;
    $('enrol').hidden = true;
    $('board').hidden = false;
    $('logout').hidden = false;
    // The server refuses what a role may not do; the page only leaves out what would be refused.
    const rank = RANK[me?.role] ?? 0;
    $('pair-section').hidden = rank < RANK.manager;
    $('accounts-section').hidden = rank < RANK.owner;
    clearInterval(timer);
    timer = setInterval(() => refresh().catch(() => {}), REFRESH_MS);
    return refresh();
  }

  async function showEnrol(required) {
    clearInterval(timer);
    $('login').hidden = true;
    $('board').hidden = true;
    $('enrol').hidden = false;
    $('recovery').hidden = true;
    $('enrol-form').hidden = false;
    $('enrol-why').dataset.i18n = required ? 'enrolOwner' : 'enrolHelp';
    $('enrol-why').textContent = t($('enrol-why').dataset.i18n);
    const started = await api('POST', '/mfa/enrol', {});
    $('enrol-qr').src = started.qrCode;
    $('enrol-secret').textContent = started.secret.replace(/(.{4})/g, '$1 ').trim();
    $('enrol-link').textContent = started.link;
    $('enrol-code').focus();
  }

  async function refreshAccounts() {
    if ((RANK[me?.role] ?? 0) < RANK.owner) return;
    const accounts = await api('GET', '/accounts');
    const change = (name, what) => act(async () => {
      await api('POST', `/accounts/${encodeURIComponent(name)}/${what}`, {});
      sayKey('accountChanged', name);
      await refreshAccounts();
    });
    $('accounts').querySelector('tbody').replaceChildren(...accounts.map((a) => el('tr', { 'data-test': 'account-row', 'data-name': a.name },
      el('td', { class: 'id' }, el('bdi', { dir: 'ltr' }, a.name)),
      el('td', {}, t('role_' + a.role)),
      el('td', { 'data-test': 'account-mfa' }, a.secondFactor ? t('yes') : t('no')),
      el('td', {}, a.lockedUntil ? full(a.lockedUntil) : ''),
      el('td', {}, when(a.lastLoginAt)),
      el('td', { class: 'actions' },
        a.lockedUntil ? el('button', { type: 'button', 'data-test': 'account-unlock', onclick: () => change(a.name, 'unlock') }, t('unlock')) : null,
        a.secondFactor ? el('button', { type: 'button', 'data-test': 'account-reset-mfa', onclick: () => change(a.name, 'reset-mfa') }, t('resetMfa')) : null,
        el('button', { type: 'button', 'data-test': 'account-remove', onclick: () => change(a.name, 'remove') }, t('remove'))))));
    label($('accounts'));
  }

  async function refresh() {
    overview = await api('GET', '/overview');
    // Tax-authority documents come from their own endpoint; a connector without them simply shows no section.
    fiscal = await api('GET', '/fiscal').catch(() => null);
    fetchedAt = Date.now();
    render();
    await refreshAccounts().catch(() => {});
  }

  function health(a) {
    if (!a.enabled) return ['off', t('off')];
    if (a.lastError) return ['bad', t('failing')];
    if (a.deadLetters.length > 0) return ['warn', t('attention')];
    if (a.waiting > 0) return ['ok', t('backlog')];
    return ['ok', t('healthy')];
  }

  function figure(label, value, title, test) {
    return el('div', {}, el('dt', {}, label), el('dd', { title: title || null, 'data-test': test }, value));
  }

  function renderAdapter(a) {
    const [level, label] = health(a);
    // A retry whose time has come waits only for the next delivery run: "3 seconds ago" would read as a fault.
    const due = a.nextAttemptAt && new Date(a.nextAttemptAt) <= new Date(overview.generatedAt);
    const next = a.nextAttemptAt ? (due ? t('dueNow') : when(a.nextAttemptAt)) : a.waiting > 0 ? t('nextRun') : '—';
    const card = el('article', { class: `adapter ${level === 'ok' ? '' : level}`, 'data-test': 'adapter', 'data-name': a.name },
      el('header', {},
        el('h3', { dir: 'ltr' }, a.name),
        el('span', { class: `pill ${level}`, 'data-test': 'adapter-health' }, label),
        el('span', { class: 'spacer' }),
        a.deadLetters.length > 0
          ? el('button', { type: 'button', class: 'primary', 'data-test': 'retry', onclick: () => retry(a.name) }, t('retry'))
          : null),
      el('dl', { class: 'figures' },
        figure(t('waiting'), num(a.waiting), null, 'waiting'),
        figure(t('delivered'), num(a.delivered), null, 'delivered'),
        figure(t('deadLetters'), num(a.deadLetters.length), null, 'dead-count'),
        figure(t('oldest'), a.oldestWaitingSaleAt ? when(a.oldestWaitingSaleAt) : '—', full(a.oldestWaitingSaleAt), 'oldest'),
        figure(t('lastSuccess'), when(a.lastSuccessAt), full(a.lastSuccessAt), 'last-success'),
        figure(t('nextAttempt'), next, full(a.nextAttemptAt), 'next-attempt')),
      a.lastError ? el('p', { class: 'error', 'data-test': 'last-error', dir: 'auto' }, `${t('lastError')} (${when(a.lastErrorAt)}): ${a.lastError}`) : null);
    if (a.deadLetters.length > 0) {
      card.append(el('div', { class: 'letters' },
        el('h4', {}, t('deadTitle')),
        el('ul', {}, a.deadLetters.map((d) => el('li', { 'data-test': 'dead-letter', 'data-sale': d.saleId },
          el('span', { class: 'sale' }, d.saleNumber), ' · ', el('span', { class: 'muted' }, `${t('till')} `, el('bdi', {}, d.tillId), ` · ${t('attempts', num(d.attempts))} · ${when(d.at)}`),
          el('span', { class: 'reason', dir: 'auto', 'data-test': 'reason' }, d.reason || t('noReason')))))));
    }
    return card;
  }

  function renderTill(till) {
    return el('tr', { 'data-test': 'till-row', 'data-id': till.id },
      el('td', { class: 'id' }, el('bdi', {}, till.storeId)),
      el('td', { class: 'id' }, el('bdi', {}, till.id)),
      el('td', {}, el('bdi', {}, till.name)),
      el('td', { class: `state-${till.state}`, 'data-test': 'till-state', 'data-state': till.state }, t('state_' + till.state)),
      el('td', { title: full(till.lastUploadAt, till.storeId) }, when(till.lastUploadAt, till.storeId)),
      el('td', { title: full(till.lastContactAt, till.storeId) }, when(till.lastContactAt, till.storeId)),
      el('td', { class: 'actions' }, till.state === 'revoked' ? '—'
        : el('button', { type: 'button', class: 'danger', 'data-test': 'revoke', onclick: (e) => revoke(till.id, e.currentTarget) }, t('revoke'))));
  }

  function renderClose(c) {
    const amount = (v) => el('bdi', {}, money(c.storeId, c.currency, v));
    const states = Object.entries(c.adapters);
    return el('tr', { 'data-test': 'shift-close', 'data-shift': c.shiftId },
      el('td', { class: 'id' }, el('bdi', {}, `${c.storeId}/${c.tillId}`)),
      el('td', { class: 'id' }, el('bdi', {}, c.shiftId)),
      el('td', { title: full(c.closedAt, c.storeId) }, when(c.closedAt, c.storeId)),
      el('td', { 'data-test': 'z-expected' }, amount(c.expectedCash)),
      el('td', { 'data-test': 'z-counted' }, amount(c.countedCash)),
      el('td', { class: c.difference < 0 ? 'state-revoked' : '', 'data-test': 'z-difference' }, amount(c.difference)),
      el('td', { 'data-test': 'z-adapters' }, states.length === 0 ? t('z_waiting')
        : states.flatMap(([name, state], i) => [i > 0 ? ' · ' : null, el('bdi', { dir: 'ltr' }, name), `: ${t('z_' + state)}`])));
  }

  function renderReceiptProblem(r) {
    return el('tr', { 'data-test': 'receipt-problem', 'data-request': r.requestId },
      el('td', { class: 'id' }, el('bdi', {}, r.saleNumber), el('div', { class: 'muted' }, el('bdi', {}, `${r.storeId}/${r.tillId}`), ` · ${when(r.receivedAt)}`)),
      el('td', {}, `${t('ch_' + r.channel)} `, el('bdi', { dir: 'ltr' }, r.recipient)),
      el('td', { class: r.state === 'dead' ? 'state-revoked' : '', 'data-test': 'receipt-state', 'data-state': r.state }, t('r_' + r.state), ` · ${t('attempts', num(r.attempts))}`),
      el('td', { class: 'reason', dir: 'auto' }, r.lastError || '—'),
      el('td', { class: 'actions' }, r.canResend
        ? el('button', { type: 'button', class: 'primary', 'data-test': 'resend', onclick: () => resend(r) }, t('resend'))
        : t('r_expired')));
  }

  function renderLedgerFile(f) {
    const href = `${API}/ledger-files/${encodeURIComponent(f.ledger)}/${encodeURIComponent(f.name)}`;
    return el('tr', { 'data-test': 'ledger-file', 'data-file': f.name },
      el('td', { class: 'id' }, el('bdi', {}, f.ledger)),
      el('td', { class: 'id' }, el('a', { href, download: f.name, 'data-test': 'ledger-download' }, el('bdi', { dir: 'ltr' }, f.name))),
      el('td', {}, t('kb', num(Math.ceil(f.bytes / 1024)))),
      el('td', { title: full(f.writtenAt) }, when(f.writtenAt)));
  }

  function fiscalMessages(d) {
    const lines = [...(d.errors ?? []), ...(d.warnings ?? [])].map((m) => [m.code, m.message].filter(Boolean).join(': '));
    if (d.lastError) lines.push(d.lastError);
    return lines.length ? lines.map((line) => el('div', {}, el('bdi', { dir: 'auto' }, line))) : ['—'];
  }

  function renderFiscal(d) {
    const level = d.state === 'rejected' || d.state === 'attention' || d.advice === 'eta-invalid' || d.advice === 'eta-cancelled' || d.overdue ? 'state-revoked' : '';
    return el('tr', { 'data-test': 'fiscal-document', 'data-state': d.state, 'data-advice': d.advice ?? d.state },
      el('td', { class: 'id' }, el('bdi', { dir: 'ltr' }, d.saleNumber), el('div', { class: 'muted' }, el('bdi', {}, `${d.store}/${d.till}`), ` · ${when(d.issuedAt)}`)),
      el('td', {}, t('a_' + d.authority)),
      el('td', { class: level, 'data-test': 'fiscal-state' }, t('f_' + (d.advice ?? d.state)), d.overdue ? ` · ${t('overdue')}` : ''),
      el('td', { class: 'reason' }, ...fiscalMessages(d)),
      el('td', { 'data-test': 'fiscal-what-to-do' }, t('fd_' + (d.advice ?? d.state))));
  }

  function renderLedgerProblem(p) {
    return el('tr', { 'data-test': 'ledger-problem', 'data-ledger': p.ledger },
      el('td', { class: 'id' }, el('bdi', {}, p.ledger)),
      el('td', {}, el('bdi', { dir: 'ltr' }, p.day)),
      el('td', {}, el('bdi', {}, p.reason)));
  }

  function renderSetupFinding(report, f) {
    return el('tr', { 'data-test': 'setup-finding', 'data-adapter': report.adapter, 'data-severity': f.severity },
      el('td', { class: 'id' }, el('bdi', {}, report.adapter)),
      el('td', {}, el('span', { class: `pill ${f.severity === 'blocking' ? 'bad' : 'warn'}` }, t('s_' + f.severity))),
      el('td', {}, el('bdi', {}, f.subject)),
      el('td', {}, el('bdi', {}, f.problem)),
      el('td', {}, el('bdi', {}, f.fix)));
  }

  function renderSetupUnreachable(report) {
    return el('tr', { 'data-test': 'setup-finding', 'data-adapter': report.adapter, 'data-severity': 'unreachable' },
      el('td', { class: 'id' }, el('bdi', {}, report.adapter)),
      el('td', {}, el('span', { class: 'pill warn' }, t('s_unreachable'))),
      el('td', {}, ''),
      el('td', {}, el('bdi', {}, report.unreachable)),
      el('td', {}, ''));
  }

  function renderSetup(reports) {
    const rows = reports.flatMap((r) => (r.unreachable ? [renderSetupUnreachable(r)] : r.findings.map((f) => renderSetupFinding(r, f))));
    $('setup-section').hidden = reports.length === 0;
    $('setup-findings').querySelector('tbody').replaceChildren(...rows);
    $('setup-findings').hidden = rows.length === 0;
    const clean = reports.filter((r) => !r.unreachable && r.findings.length === 0).map((r) => r.adapter);
    const newest = reports.map((r) => r.checkedAt).sort().at(-1);
    $('setup-checked').textContent = [newest ? t('setupChecked', full(newest)) : '', clean.length ? t('setupClean', clean.join(', ')) : ''].filter(Boolean).join(' ');
  }

  function renderCatalogProblem(p) {
    return el('tr', { 'data-test': 'catalog-problem', 'data-source': p.source },
      el('td', { class: 'id' }, el('bdi', {}, p.source)),
      el('td', {}, el('bdi', { dir: 'ltr' }, p.failedAt)),
      el('td', {}, el('bdi', {}, p.message)));
  }

  // On a phone each row becomes a card (dashboard.css): every cell carries its column's name to show above it.
  function label(table) {
    const names = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((td, i) => { if (names[i]) td.dataset.label = names[i]; else delete td.dataset.label; });
    }
  }

  function render() {
    if (!overview) return;
    const documents = fiscal?.documents ?? [];
    $('fiscal-section').hidden = documents.length === 0;
    $('fiscal-counts').replaceChildren(...Object.entries(fiscal?.counts ?? {}).map(([state, count]) =>
      el('span', { class: `pill ${state === 'rejected' || state === 'attention' ? 'bad' : state === 'reported' ? 'ok' : 'warn'}`, 'data-test': 'fiscal-count', 'data-state': state }, `${t('f_' + state)}: ${num(count)}`)),
      // The ETA validates the e-receipts it took afterwards: how many are still waiting, valid, invalid or cancelled.
      ...Object.entries(fiscal?.validations ?? {}).map(([status, count]) =>
        el('span', { class: `pill ${status === 'invalid' || status === 'cancelled' ? 'bad' : status === 'valid' ? 'ok' : 'warn'}`, 'data-test': 'fiscal-validation-count', 'data-status': status }, `${t('v_' + status)}: ${num(count)}`)));
    // Listed: every document not simply accepted — an ETA receipt is accepted once the ETA found it valid.
    $('fiscal-documents').querySelector('tbody').replaceChildren(...documents.filter((d) => (d.advice ?? d.state) !== 'reported' && d.advice !== 'eta-valid').map(renderFiscal));
    renderSetup(overview.setup ?? []);
    const unpulled = overview.catalogProblems ?? [];
    $('catalog-problem-section').hidden = unpulled.length === 0;
    $('catalog-problems').querySelector('tbody').replaceChildren(...unpulled.map(renderCatalogProblem));
    const stuck = overview.ledgerProblems ?? [];
    $('ledger-problem-section').hidden = stuck.length === 0;
    $('ledger-problems').querySelector('tbody').replaceChildren(...stuck.map(renderLedgerProblem));
    const files = overview.ledgerFiles;
    $('ledger-section').hidden = files == null;
    $('ledger-files').querySelector('tbody').replaceChildren(...(files ?? []).map(renderLedgerFile));
    $('no-ledger-files').hidden = files == null || files.length > 0;
    const receipts = overview.receiptProblems ?? [];
    $('receipt-section').hidden = receipts.length === 0;
    $('receipt-problems').querySelector('tbody').replaceChildren(...receipts.map(renderReceiptProblem));
    $('adapters').replaceChildren(...overview.adapters.map(renderAdapter));
    $('no-adapters').hidden = overview.adapters.length > 0;
    $('tills').querySelector('tbody').replaceChildren(...overview.tills.map(renderTill));
    $('no-tills').hidden = overview.tills.length > 0;
    $('shift-closes').querySelector('tbody').replaceChildren(...overview.shiftCloses.map(renderClose));
    $('no-shift-closes').hidden = overview.shiftCloses.length > 0;
    const fileStores = overview.productFileStores ?? [];
    $('product-file-section').hidden = fileStores.length === 0;
    const select = $('product-file-store');
    if ([...select.options].map((o) => o.value).join() !== fileStores.join()) {
      select.replaceChildren(...fileStores.map((id) => el('option', { value: id }, id)));
    }
    for (const table of document.querySelectorAll('.table-wrap table')) label(table);
    $('updated').textContent = t('updated', new Intl.DateTimeFormat(locale(), { timeStyle: 'medium' }).format(new Date(overview.generatedAt)));
  }

  async function act(work) {
    say('');
    try {
      await work();
    } catch (e) {
      say(e.message);
    }
  }

  const retry = (adapter) => act(async () => {
    const result = await api('POST', `/adapters/${encodeURIComponent(adapter)}/retry`, {});
    sayKey('retried', result.retried, adapter);
    await refresh();
  });

  const checkSetup = () => act(async () => {
    overview.setup = await api('POST', '/setup/check', {});
    render();
  });

  const resend = (r) => act(async () => {
    try {
      await api('POST', `/receipts/${encodeURIComponent(r.requestId)}/resend`, {});
      sayKey('resent', r.saleNumber);
    } finally {
      await refresh();
    }
  });

  // Two clicks: the first arms the button for a few seconds, so a stray tap never revokes a till.
  function revoke(tillId, button) {
    if (button.dataset.armed !== 'yes') {
      button.dataset.armed = 'yes';
      button.classList.add('confirm');
      button.textContent = t('confirmRevoke');
      setTimeout(() => { if (button.isConnected) { button.dataset.armed = ''; button.classList.remove('confirm'); button.textContent = t('revoke'); } }, 5000);
      return;
    }
    act(async () => {
      await api('POST', `/tills/${encodeURIComponent(tillId)}/revoke`, {});
      sayKey('revoked', tillId);
      await refresh();
    });
  }

  // The file's bytes as the body (no multipart to parse), with the session's anti-forgery token like every action.
  const uploadProductFile = () => act(async () => {
    const store = $('product-file-store').value;
    const file = $('product-file-input').files[0];
    if (!store || !file) return;
    $('product-file-problems-wrap').hidden = true;
    let response;
    try {
      response = await fetch(`${API}/catalog/${encodeURIComponent(store)}/product-file?name=${encodeURIComponent(file.name)}`, {
        method: 'POST', credentials: 'same-origin', body: file,
        headers: { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream', [CSRF_HEADER]: csrf },
      });
    } catch {
      throw new Error(t('p:network'));
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      sayKey('imported', store, num(data.products), num(data.stockLevels), num(data.removed));
      $('product-file-form').reset();
      return;
    }
    if (response.status === 401) showLogin();
    if (Array.isArray(data.problems)) {
      $('product-file-problems').querySelector('tbody').replaceChildren(...data.problems.map((p) => el('tr', { 'data-test': 'product-file-problem' },
        el('td', {}, p.row > 0 ? num(p.row) : t('wholeRow')),
        el('td', { class: 'id' }, el('bdi', { dir: 'ltr' }, p.column || t('wholeRow'))),
        el('td', {}, el('bdi', { dir: 'auto' }, p.message)))));
      label($('product-file-problems'));
      $('product-file-problems-wrap').hidden = false;
      say(t('notImported', num(data.problems.length)));
      return;
    }
    throw new Error(data.detail || data.title || `HTTP ${response.status}`);
  });

  function setLanguage(next) {
    lang = next === 'ar' ? 'ar' : 'en';
    localStorage.setItem('posbridge-dashboard-lang', lang);
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
    document.title = t('title');
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    $('language').textContent = t('language');
    showWho();
    const expires = $('pair-expires');
    if (expires.dataset.at) expires.textContent = t('expires', full(expires.dataset.at));
    if (said) sayKey(said.key, ...said.args);
    render();
  }

  document.addEventListener('DOMContentLoaded', async () => {
    $('language').addEventListener('click', () => setLanguage(lang === 'ar' ? 'en' : 'ar'));
    $('logout').addEventListener('click', () => act(async () => { await api('POST', '/logout', {}); showLogin(); }));
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      act(async () => {
        const name = $('account-name').value.trim();
        const password = $('password').value;
        // Cleared either way: a wrong password is typed again from scratch, a right one is not kept in the page.
        $('password').value = '';
        try {
          await signedIn(await api('POST', '/login', { name, password }));
        } catch (error) {
          if (error.type !== 'dashboard-code-required') throw error;
          pending = { name, password };
          $('login-form').hidden = true;
          $('code-form').hidden = false;
          $('code').focus();
        }
      }).then(() => { if (!csrf && !pending) $('password').focus(); });
    });
    $('code-form').addEventListener('submit', (e) => {
      e.preventDefault();
      act(async () => {
        const code = $('code').value.trim();
        $('code').value = '';
        const step = pending;
        try {
          await signedIn(await api('POST', '/login', { ...step, code }));
        } catch (error) {
          // A wrong code may be typed again; anything else (a lock, the throttle) starts over.
          if (!['dashboard-wrong-code', 'dashboard-code-used'].includes(error.type)) showLogin();
          throw error;
        }
      });
    });
    $('security').addEventListener('click', () => act(() => showEnrol(false)));
    $('enrol-form').addEventListener('submit', (e) => {
      e.preventDefault();
      act(async () => {
        const result = await api('POST', '/mfa/confirm', { code: $('enrol-code').value.trim() });
        $('enrol-code').value = '';
        csrf = result.session.csrfToken;
        me = result.session;
        $('enrol-form').hidden = true;
        $('recovery-codes').replaceChildren(...result.recoveryCodes.map((c) => el('li', { 'data-test': 'recovery-code' }, c)));
        $('recovery').hidden = false;
      });
    });
    $('recovery-done').addEventListener('click', () => act(async () => {
      $('recovery-codes').replaceChildren();
      await showBoard();
    }));
    $('account-form').addEventListener('submit', (e) => {
      e.preventDefault();
      act(async () => {
        const name = $('new-account-name').value.trim();
        await api('POST', '/accounts', { name, role: $('new-account-role').value, password: $('new-account-password').value });
        e.target.reset();
        sayKey('accountAdded', name);
        await refreshAccounts();
      });
    });
    $('setup-check').addEventListener('click', checkSetup);
    $('product-file-form').addEventListener('submit', (e) => { e.preventDefault(); uploadProductFile(); });
    $('pair-form').addEventListener('submit', (e) => {
      e.preventDefault();
      act(async () => {
        const result = await api('POST', '/pairing-codes', { storeId: $('pair-store').value, tillId: $('pair-till').value, name: $('pair-name').value });
        $('pair-result-till').textContent = `${result.name} (${result.storeId} / ${result.tillId})`;
        $('pair-code').textContent = result.code;
        $('pair-expires').dataset.at = result.expiresAt;
        $('pair-expires').textContent = t('expires', full(result.expiresAt));
        $('pair-result').hidden = false;
        e.target.reset();
        await refresh();
      });
    });
    setLanguage(lang);
    try {
      await signedIn(await api('GET', '/session'));
    } catch {
      showLogin();
    }
  });

  window.posbridgeDashboard = { setLanguage, refresh };
})();

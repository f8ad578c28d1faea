using PosBridge.Accounting.Accounts;
using PosBridge.Accounting.Setup;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;

namespace PosBridge.Accounting.Dialects.Datev;

/// <summary>DATEV's Buchungsstapel (EXTF): books in EUR, numeric accounts of the Sachkontenlänge, one fiscal year per file.</summary>
internal sealed class DatevDialect : ILedgerDialect
{
    public string Name => "datev";

    public bool CarriesCurrency => true;

    public void Validate(string at, LedgerOptions ledger, string? storeCurrency, string? baseCurrency, AccountMap? map, List<string> errors)
    {
        var datev = ledger.Datev;
        if (datev.ConsultantNumber is < 1001 or > 9999999)
        {
            errors.Add($"{at}:Datev:ConsultantNumber {datev.ConsultantNumber} is not a Beraternummer (1001–9999999).");
        }

        if (datev.ClientNumber is < 1 or > 99999)
        {
            errors.Add($"{at}:Datev:ClientNumber {datev.ClientNumber} is not a Mandantennummer (1–99999).");
        }

        if (datev.FiscalYearStartMonth is < 1 or > 12)
        {
            errors.Add($"{at}:Datev:FiscalYearStartMonth {datev.FiscalYearStartMonth} is not a month.");
        }

        if (datev.AccountLength is < 4 or > 8)
        {
            errors.Add($"{at}:Datev:AccountLength {datev.AccountLength} is not a Sachkontenlänge (4–8).");
        }

        if (!string.Equals(baseCurrency, "EUR", StringComparison.Ordinal))
        {
            errors.Add($"{at}:BaseCurrency is {baseCurrency}; DATEV books in EUR (set BaseCurrency EUR and an ExchangeRate for a store in another currency).");
        }

        foreach (var account in map?.AllAccounts ?? [])
        {
            // Accounts may be longer than the Sachkontenlänge (debitors, creditors) but never shorter, and are digits only.
            if (!account.Code.All(char.IsAsciiDigit) || account.Code.Length < datev.AccountLength || account.Code.Length > datev.AccountLength + 1)
            {
                errors.Add($"{at}: account '{account.Code}' is not a DATEV account of {datev.AccountLength} digits (or {datev.AccountLength + 1} for a personal account).");
            }
        }

        if (Currency.TryFromCode(storeCurrency, out var currency) && currency.MinorUnits > 2)
        {
            errors.Add($"{at}: store {ledger.Store} sells in {currency.Code} with {currency.MinorUnits} decimals; DATEV amounts have two.");
        }
    }

    public string? CheckPeriod(LedgerPeriod period, LedgerOptions options) => DatevWriter.CheckPeriod(period, options.Datev);

    public string FileStem(LedgerPeriod period) => $"EXTF_Buchungsstapel_{period.StoreId}_{period.From:yyyyMMdd}_{period.To:yyyyMMdd}";

    public LedgerFileWriter CreateWriter(LedgerFileContext context) => new DatevWriter(context);
}

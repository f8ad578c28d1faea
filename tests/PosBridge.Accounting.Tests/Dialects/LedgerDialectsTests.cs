using PosBridge.Accounting.Dialects;

namespace PosBridge.Accounting.Tests.Dialects;

public sealed class LedgerDialectsTests
{
    [Theory]
    [InlineData("generic", typeof(Accounting.Dialects.Generic.GenericDialect))]
    [InlineData("xero-journals", typeof(Accounting.Dialects.Xero.XeroJournalsDialect))]
    [InlineData("XERO-INVOICES", typeof(Accounting.Dialects.Xero.XeroInvoicesDialect))]
    [InlineData(" quickbooks ", typeof(Accounting.Dialects.QuickBooks.QuickBooksDialect))]
    [InlineData("sage-cloud", typeof(Accounting.Dialects.Sage.SageCloudDialect))]
    [InlineData("sage50", typeof(Accounting.Dialects.Sage.Sage50Dialect))]
    [InlineData("datev", typeof(Accounting.Dialects.Datev.DatevDialect))]
    [InlineData("Zoho", typeof(Accounting.Dialects.Zoho.ZohoDialect))]
    public void Parse_NameUsersWrite_FindsItsDialectClass(string name, Type expected)
    {
        Assert.IsType(expected, LedgerDialects.Parse(name));
    }

    [Fact]
    public void Parse_UnknownName_ListsEveryDialectInOrder()
    {
        var error = Assert.Throws<ArgumentException>(() => LedgerDialects.Parse("lotus-123"));

        Assert.StartsWith("'lotus-123' is not a ledger dialect; use one of generic, xero-journals, xero-invoices, quickbooks, sage-cloud, sage50, datev, zoho.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_EveryDialectHasItsOwnName()
    {
        Assert.Equal(LedgerDialects.All.Count, LedgerDialects.KnownNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}

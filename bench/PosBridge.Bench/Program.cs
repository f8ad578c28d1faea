using PosBridge.Bench.Ingestion;
using PosBridge.Bench.Odoo;
using PosBridge.Bench.Reports;
using PosBridge.Bench.Taxes;

// Benchmarks with a fixed workload and a printed result; run in Release:
//   dotnet run -c Release --project bench/PosBridge.Bench -- tax
//   dotnet run -c Release --project bench/PosBridge.Bench -- ingest
//   scripts/with-postgres.sh dotnet run -c Release --project bench/PosBridge.Bench -- ingest-postgres
//   dotnet run -c Release --project bench/PosBridge.Bench -- odoo   (a real Odoo too when ODOO_URL is set)
//   dotnet run -c Release --project bench/PosBridge.Bench -- reports
var which = args.Length > 0 ? args[0] : "tax";
switch (which)
{
    case "tax":
        TaxEngineBench.Run();
        return 0;
    case "ingest":
        await IngestionBench.RunAsync();
        return 0;
    case "ingest-postgres":
        await PostgresIngestionBench.RunAsync();
        return 0;
    case "reports":
        await ReportsBench.RunAsync();
        return 0;
    case "odoo":
        await OdooDrainBench.RunAsync();
        return 0;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{which}'. Available: tax, ingest, ingest-postgres, odoo, reports");
        return 2;
}

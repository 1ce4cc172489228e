using System;
using System.CommandLine;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary><c>tpnet data fetch NAME</c>: downloads (or copies from a local folder/file) a dataset and verifies its checksums.</summary>
public static class DataCommand
{
    private static readonly Argument<string> NameArgument = new("name") { Description = "mnist, fashion-mnist or cifar10" };
    private static readonly Option<string?> FromOption = new("--from") { Description = "a local folder (MNIST-style files) or cifar-10-binary.tar.gz to copy from instead of downloading" };
    private static readonly Option<string?> DataDirOption = new("--data-dir") { Description = "where to put the dataset folder (default: $TARGETPROP_DATA, else ./data)" };

    private const string CifarMd5 = "c32a1d4ab5d03f1284b67883e8d87530";
    private const string CifarUrl = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";

    private static readonly (string Name, string[] Urls)[] Mirrors =
    {
        ("mnist", new[] { "https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/" }),
        ("fashion-mnist", new[] { "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/" }),
    };

    /// <summary>Creates the command group.</summary>
    public static System.CommandLine.Command Create()
    {
        var fetch = new System.CommandLine.Command("fetch", "Download a dataset (or copy it from --from) and verify its checksums.") { NameArgument, FromOption, DataDirOption };
        fetch.SetAction(async (ParseResult parse, CancellationToken cancellation) =>
        {
            string name = parse.GetValue(NameArgument)!.ToLowerInvariant();
            var known = DatasetLocator.Known.FirstOrDefault(k => k.Name == name)
                ?? throw new ArgumentException($"Unknown dataset '{name}'; expected one of: {string.Join(", ", DatasetLocator.Known.Select(k => k.Name))}.");
            string root = parse.GetValue(DataDirOption) ?? Environment.GetEnvironmentVariable("TARGETPROP_DATA") ?? "data";
            string folder = Path.Combine(root, known.Folder);
            Directory.CreateDirectory(folder);
            string? from = parse.GetValue(FromOption);
            if (name == "cifar10")
                await FetchCifar(from, folder, cancellation);
            else
                foreach (var (file, md5) in known.Files)
                    await FetchFile(name, file, md5, from, folder, cancellation);
            AnsiConsole.MarkupLine("[green]{0} is in {1}; checksums verified.[/]", Markup.Escape(name), Markup.Escape(Path.GetFullPath(folder)));
            return 0;
        });
        return new System.CommandLine.Command("data", "Dataset utilities.") { fetch };
    }

    private static async Task FetchFile(string dataset, string file, string md5, string? from, string folder, CancellationToken cancellation)
    {
        string target = Path.Combine(folder, file);
        if (File.Exists(target) && Md5(target) == md5)
        {
            AnsiConsole.MarkupLine("{0}: present, checksum OK", Markup.Escape(file));
            return;
        }
        string tmp = target + ".part";
        if (from is not null)
        {
            string source = Path.Combine(from, file);
            if (!File.Exists(source)) throw new FileNotFoundException($"'{source}' does not exist (--from {from}).", source);
            File.Copy(source, tmp, overwrite: true);
        }
        else
        {
            var urls = Mirrors.First(m => m.Name == dataset).Urls;
            Exception? last = null;
            foreach (var url in urls)
            {
                try { await Download(url + file, tmp, cancellation); last = null; break; }
                catch (HttpRequestException e) { last = e; }
            }
            if (last is not null) throw new IOException($"Could not download {file} from {string.Join(" or ", urls)}: {last.Message}", last);
        }
        Verify(tmp, md5, file);
        File.Move(tmp, target, overwrite: true);
        AnsiConsole.MarkupLine("{0}: OK (md5 {1})", Markup.Escape(file), md5);
    }

    private static async Task FetchCifar(string? from, string folder, CancellationToken cancellation)
    {
        string archive = from ?? Path.Combine(folder, "cifar-10-binary.tar.gz.part");
        if (from is null) await Download(CifarUrl, archive, cancellation);
        else if (!File.Exists(from)) throw new FileNotFoundException($"'{from}' does not exist; expected cifar-10-binary.tar.gz.", from);
        Verify(archive, CifarMd5, "cifar-10-binary.tar.gz");
        using (var file = File.OpenRead(archive))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                string name = Path.GetFileName(entry.Name);
                if (!name.EndsWith(".bin", StringComparison.Ordinal) || entry.DataStream is null) continue;
                var data = entry.DataStream;
                AtomicFile.Write(Path.Combine(folder, name), output => data.CopyTo(output));
            }
        }
        if (from is null) File.Delete(archive);
    }

    private static async Task Download(string url, string path, CancellationToken cancellation)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        AnsiConsole.MarkupLine("downloading {0}", Markup.Escape(url));
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation);
        response.EnsureSuccessStatusCode();
        await using var output = File.Create(path);
        await response.Content.CopyToAsync(output, cancellation);
    }

    private static void Verify(string path, string md5, string name)
    {
        string actual = Md5(path);
        if (actual != md5)
        {
            File.Delete(path);
            throw new InvalidDataException($"{name} has md5 {actual}; expected {md5}. The file was deleted.");
        }
    }

    /// <summary>The lowercase hex MD5 of a file.</summary>
    public static string Md5(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }
}

using System.CommandLine;
using System.Text.Json;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae export RUN --format onnx [--out DIR]: the run's model as files another runtime scores (OnnxExport does the work).
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var format = CommonOptions.Choice("--format", "The file format: onnx (encoder.onnx: x [, label] → mu, logvar; decoder.onnx: z [, label] → mean).", ["onnx"]);
        format.DefaultValueFactory = _ => "onnx";
        var output = new Option<string?>("--out") { Description = "Folder for the files (default: RUN/onnx)." };
        var json = CommonOptions.Json();
        var cmd = new Command("export", "Export a trained model for other runtimes: ONNX encoder and decoder with a dynamic batch dimension and the run's config.json in their metadata.")
            { runArg, format, output, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            string runPath = p.GetValue(runArg)!;
            OnnxExportResult files;
            try
            {
                files = OnnxExport.ExportRun(runPath, p.GetValue(output));
            }
            catch (NotSupportedException e)
            {
                throw new UsageException($"{runPath}: {e.Message}");
            }
            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new
                {
                    format = "onnx", opset = OnnxExport.Opset, encoder = files.EncoderPath, encoderInputs = files.EncoderInputs,
                    decoder = files.DecoderPath, decoderInputs = files.DecoderInputs,
                }, JsonOut.Options));
                return VaeCli.Ok;
            }
            console.Line($"Wrote {files.EncoderPath} ({string.Join(", ", files.EncoderInputs)} → mu, logvar) and {files.DecoderPath} ({string.Join(", ", files.DecoderInputs)} → mean), ONNX opset {OnnxExport.Opset}, batch dimension N.");
            return VaeCli.Ok;
        }));
        return cmd;
    }
}

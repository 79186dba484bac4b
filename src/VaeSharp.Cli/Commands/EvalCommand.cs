using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Evaluation.Disentanglement;
using VaeSharp.Imaging;
using VaeSharp.Serialization;

namespace VaeSharp.Cli.Commands;

// vae eval RUN: the test-set loss terms per example in nats (deterministic for a given --seed), the latent
// statistics, and with --plot FILE the KL per latent dimension as a bar chart; with --fid the sample-quality scores
// (FID, precision and recall in the feature space of the data set's cached classifier; for a conditional model, the
// fraction of samples of the asked class).
internal static class EvalCommand
{
    public static Command Create(CliConsole console)
    {
        var runArg = CommonOptions.RunArgument();
        var dataDir = CommonOptions.DataDir();
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N test examples." };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var nll = new Option<bool>("--nll") { Description = "Also estimate −log p(x) by importance sampling (log-mean-exp over k samples of q(z|x))." };
        var k = new Option<int>("--k") { Description = "Importance samples per example for --nll.", DefaultValueFactory = _ => 5000 };
        var output = new Option<string?>("--out") { Description = "Also write the results as JSON to this file." };
        var plot = new Option<string?>("--plot") { Description = "Also draw the KL per latent dimension as a bar chart (PNG) to this file." };
        var fid = new Option<bool>("--fid") { Description = "Also score samples: FID against the test set, precision and recall (k = 3), in the features of a small classifier trained once per data set and cached; for a conditional model, the fraction of samples classified as their class." };
        var fidSamples = new Option<int>("--fid-samples") { Description = "--fid: number of generated samples.", DefaultValueFactory = _ => SampleQuality.DefaultSamples };
        var classifierCache = new Option<string?>("--classifier-cache") { Description = "--fid: folder of the cached feature classifiers (default: the data cache's classifiers/)." };
        var samplers = new SamplerOptions();
        var disentanglement = new Option<bool>("--disentanglement") { Description = "Also compute the disentanglement metrics (beta_vae, factor_vae, mig, dci_*, sap, modularity, explicitness) on a data set with ground-truth factors (dsprites, dsprites-small), with disentanglement_lib's settings; --seed seeds their draws." };
        var pool = new Option<int>("--pool") { Description = "--disentanglement: encode this many training examples (uniformly drawn; all when fewer) and draw the metrics' samples from them.", DefaultValueFactory = _ => 50_000 };
        var metricTrain = new Option<int>("--metric-train") { Description = "--disentanglement: training points of each metric (disentanglement_lib: 10000).", DefaultValueFactory = _ => 10_000 };
        var metricEval = new Option<int>("--metric-eval") { Description = "--disentanglement: evaluation points of each metric (disentanglement_lib: 5000).", DefaultValueFactory = _ => 5_000 };
        var cmd = new Command("eval", "Evaluate a trained model on the test set: loss (−ELBO), reconstruction, KL, active units, KL per latent dimension, and optionally the importance-sampled NLL, the sample-quality scores (--fid) and the disentanglement metrics.")
        {
            runArg, dataDir, limit, seed, threads, json, nll, k, output, plot, fid, fidSamples, classifierCache, disentanglement, pool, metricTrain, metricEval,
        };
        foreach (var option in samplers.All) cmd.Options.Add(option);
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(limit) is <= 0) throw new UsageException("--limit: expected a positive integer.");
            string runPath = p.GetValue(runArg)!;
            // Every output is checked before the evaluation (minutes with --nll) starts.
            if (p.GetValue(output) is string outFile) ImageOutput.EnsureFolder(outFile);
            if (p.GetValue(plot) is string plotOut) ImageOutput.EnsureFolder(plotOut);
            bool scoreSamples = p.GetValue(fid);
            if (!scoreSamples && (p.GetResult(samplers.Sampler) is { Implicit: false } || p.GetResult(fidSamples) is { Implicit: false } || p.GetValue(classifierCache) is not null))
                throw new UsageException("--sampler, --fid-samples and --classifier-cache apply to --fid only.");
            if (p.GetValue(fidSamples) is < 2 or > 100_000) throw new UsageException($"--fid-samples {p.GetValue(fidSamples)}: expected 2 to 100,000.");
            CommonOptions.Positive(p.GetValue(pool), "--pool");
            var settings = new DisentanglementSettings { Seed = p.GetValue(seed), TrainPoints = p.GetValue(metricTrain), EvalPoints = p.GetValue(metricEval) };
            try { settings.Validate(); }
            catch (ArgumentException e) { throw new UsageException("--metric-train/--metric-eval: " + e.Message); }
            var (config, model) = RunFolder.Load(runPath);
            var (train, test) = DatasetCatalog.Load(config, p.GetValue(dataDir));
            var fullTest = test;
            if (p.GetValue(disentanglement) && train.Factors is null)
                throw new UsageException($"--disentanglement: the run's data set {config.Data} has no ground-truth factors; the metrics need a data set with them (dsprites, dsprites-small).");
            if (p.GetValue(limit) is int l) test = test.Take(l);
            CommonOptions.Positive(p.GetValue(k), "--k");
            var vq = model as Models.VqVae;
            if (vq is not null && (p.GetValue(nll) || p.GetValue(plot) is not null))
                throw new UsageException($"{(p.GetValue(nll) ? "--nll" : "--plot")}: {runPath} is a vq-vae, whose posterior is a point mass on its codes: it has no density to importance-sample and no KL per latent dimension. Its likelihood is its code prior's (vae train-prior).");
            var t = LossEvaluation.Evaluate(model, test, config.Training.Binarize, p.GetValue(seed));
            var codebook = vq is null ? null : CodebookEvaluation.Compute(vq, test);
            var priorScore = vq is { CodePrior: not null } ? PriorEvaluation.Evaluate(vq, test) : null;
            var latent = vq is null ? LatentStatistics.Compute(model, test) : null;
            var nllClock = System.Diagnostics.Stopwatch.StartNew();
            LikelihoodEstimate? is_ = p.GetValue(nll) ? ImportanceSampling.Estimate(model, test, p.GetValue(k), p.GetValue(seed), config.Training.Binarize) : null;
            nllClock.Stop();
            var fields = new Dictionary<string, object?> { ["run"] = runPath, ["data"] = config.Data, ["family"] = model.Family, ["examples"] = t.Count, ["loss"] = t.Loss };
            foreach (var term in t.Terms) fields[Models.LossTermLabels.Column(term.Name)] = term.Value;
            fields["nll"] = is_?.Nll;
            fields["nll_k"] = is_?.Samples;
            fields["nll_seconds"] = is_ is null ? null : Math.Round(nllClock.Elapsed.TotalSeconds, 3);
            fields["elbo_k"] = is_?.Elbo;
            SampleQualityReport? quality = null;
            FeatureClassifier? classifier = null;
            if (scoreSamples)
            {
                string cache = p.GetValue(classifierCache) ?? Path.Combine(new DataCache().Root, "classifiers");
                bool text = !p.GetValue(json);
                (classifier, bool trained) = FeatureClassifier.LoadOrTrain(train, fullTest, cache,
                    text ? line => console.Line(line) : null);
                if (trained && text) console.Line(string.Create(CultureInfo.InvariantCulture, $"Trained the feature classifier ({classifier.TestAccuracy:P2} right on the {classifier.TestCount} test images); cached in {classifier.File}"));
                var (sampler, fitted, samplerFile) = samplers.Open(p, runPath, config, model, p.GetValue(dataDir));
                if (fitted && text) console.Line($"Fitted the sampler ({sampler.Description}) and saved it to {samplerFile}");
                quality = SampleQuality.Evaluate(model, sampler, classifier, test, p.GetValue(fidSamples), p.GetValue(seed));
                fields["fid"] = quality.Fid;
                fields["precision"] = quality.Precision;
                fields["recall"] = quality.Recall;
                fields["sampler"] = ConfigJson.Name(quality.Sampler);
                fields["sampler_description"] = quality.SamplerDescription;
                fields["fid_samples"] = quality.Samples;
                fields["fid_real"] = quality.RealCount;
                fields["precision_recall_samples"] = quality.NeighbourSamples;
                fields["precision_recall_k"] = quality.Neighbours;
                fields["label_accuracy"] = quality.LabelAccuracy;
                fields["label_accuracy_per_class"] = quality.PerClassAccuracy;
                fields["classifier_test_accuracy"] = quality.ClassifierTestAccuracy;
                fields["classifier"] = classifier.File;
            }
            if (latent is not null)
            {
                fields["active_units"] = latent.ActiveUnits;
                if (latent.LayerSizes is { } layerSizes)
                {
                    fields["latent_sizes"] = layerSizes;
                    fields["active_units_per_layer"] = latent.ActiveUnitsPerLayer;
                }
                fields["latent_dim"] = latent.Activity.Length;
                fields["activity"] = latent.Activity;
                fields["kl_per_dimension"] = latent.KlPerDimension;
            }
            if (codebook is not null)
            {
                fields["mse_per_pixel"] = codebook.PixelMse;
                fields["mse_per_image"] = codebook.ImageMse;
                fields["perplexity"] = codebook.Usage.Perplexity;
                fields["codes_in_use"] = codebook.Usage.CodesInUse;
                fields["codebook_size"] = codebook.CodebookSize;
            }
            if (priorScore is not null)
            {
                // −log p(z(x)) of the code prior, and with the reconstruction term the −ELBO bound on −log p(x) (q is a point mass).
                fields["prior_nll"] = priorScore.Nll;
                fields["prior_bits_per_code"] = priorScore.BitsPerCode;
                fields["prior_bits_per_pixel"] = priorScore.BitsPerPixel;
                fields["prior_conditional"] = priorScore.Conditional;
                fields["nll_bound"] = t.Terms.FirstOrDefault(x => x.Name == Models.LossTermLabels.Reconstruction) is { } rec ? rec.Value + priorScore.Nll : null;
            }
            IReadOnlyList<MetricScore>? metrics = null;
            if (p.GetValue(disentanglement))
            {
                var codes = FactorCodes.Encode(model, train, p.GetValue(pool), RngStreams.Create(p.GetValue(seed), RngStream.DisentanglementMetrics).Fork(100));
                metrics = DisentanglementMetrics.All(codes, settings);
                fields["disentanglement"] = metrics.ToDictionary(m => m.Key, m => m.Value);
                fields["disentanglement_pool"] = codes.Count;
                fields["disentanglement_details"] = metrics.ToDictionary(m => m.Key, m => m.Details);
                fields["disentanglement_estimators"] = metrics.ToDictionary(m => m.Key, m => m.Estimator);
            }
            string? plotFile = p.GetValue(plot);
            if (plotFile is not null)
            {
                ImageOutput.EnsureFolder(plotFile);
                using var chart = Charts.KlPerDimension(latent!, $"{test.Name} test set: KL per latent dimension ({latent!.ActiveUnits} of {latent.Activity.Length} active)");
                chart.SavePng(plotFile);
                fields["plot"] = plotFile;
            }
            string report = JsonSerializer.Serialize(fields, JsonOut.Options);
            JsonOut.WriteFile(p.GetValue(output), report);
            if (p.GetValue(json))
            {
                console.Line(report);
                return VaeCli.Ok;
            }
            console.Line(string.Create(CultureInfo.InvariantCulture,
                $"{test.Name} test set, {t.Count} examples: Loss {t.Loss:F4}{string.Concat(t.Terms.Select(x => $"  {Models.LossTermLabels.Label(x.Name)} {x.Value:F4}"))} (nats per example)"));
            if (is_ is not null)
                console.Line(string.Create(CultureInfo.InvariantCulture, $"Importance-sampled NLL (k = {is_.Samples}): {is_.Nll:F4} nats  (−ELBO with the same samples: {is_.Elbo:F4})"));
            if (latent is not null)
            {
                string perLayer = latent.LayerSizes is { } sizes
                    ? "; per layer " + string.Join(", ", latent.ActiveUnitsPerLayer.Select((a, i) => $"z{i + 1} {a}/{sizes[i]}"))
                    : "";
                console.Line($"Active units (Cov_x E[z_u] > {latent.Threshold}): {latent.ActiveUnits} of {latent.Activity.Length}{perLayer}");
                console.Line("KL per dimension: " + string.Join(" ", latent.KlPerDimension.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))));
            }
            if (codebook is not null)
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"Reconstruction MSE {codebook.PixelMse:F5} per pixel, {codebook.ImageMse:F3} per image; codebook perplexity {codebook.Usage.Perplexity:F1}, {codebook.Usage.CodesInUse} of {codebook.CodebookSize} codes in use"));
            if (priorScore is not null)
            {
                string bound = fields["nll_bound"] is double b ? string.Create(CultureInfo.InvariantCulture, $"; with the reconstruction term, −log p(x{(priorScore.Conditional ? " | y" : "")}) ≤ {b:F3} nats") : "";
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"Code prior{(priorScore.Conditional ? " (given the labels)" : "")}: NLL {priorScore.Nll:F3} nats per image = {priorScore.BitsPerCode:F4} bits per code position ({priorScore.CodesPerImage} per image), {priorScore.BitsPerPixel:F5} bits per pixel ({priorScore.PixelsPerImage}){bound}"));
            }
            if (quality is not null)
            {
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"Samples ({quality.Samples}, z from the {quality.SamplerDescription}): FID {quality.Fid:F3}  precision {quality.Precision:F3}  recall {quality.Recall:F3}" +
                    $"  (features of the classifier that is {quality.ClassifierTestAccuracy:P2} right on the test set; precision/recall on {quality.NeighbourSamples} per set, k = {quality.Neighbours})"));
                if (quality.LabelAccuracy is double acc)
                    console.Line(string.Create(CultureInfo.InvariantCulture, $"Samples classified as their class: {acc:P1}  (per class: {string.Join(" ", quality.PerClassAccuracy!.Select(v => v.ToString("P0", CultureInfo.InvariantCulture)))})"));
            }
            if (plotFile is not null) console.Line($"Wrote the KL per dimension chart to {plotFile}");
            if (metrics is not null)
            {
                console.Line($"Disentanglement (posterior means of {fields["disentanglement_pool"]} {config.Data} training examples, seed {settings.Seed}):");
                foreach (var m in metrics)
                    console.Line(string.Create(CultureInfo.InvariantCulture, $"  {m.Key,-20} {m.Value,7:F4}   {m.Estimator}"));
            }
            return VaeCli.Ok;
        }));
        return cmd;
    }
}

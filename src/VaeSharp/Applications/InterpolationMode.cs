namespace VaeSharp.Applications;

/// <summary>How a path between two latent codes is drawn.</summary>
public enum InterpolationMode
{
    /// <summary>The straight line a + t (b − a).</summary>
    Lerp,

    /// <summary>Spherical linear interpolation (Shoemake 1985), the path White ("Sampling Generative Networks", 2016)
    /// recommends for Gaussian latents: it keeps the norm near that of typical prior draws instead of cutting through
    /// the low-density centre.</summary>
    Slerp,
}

namespace DeepVis;

/// <summary>
/// The base of every error a user can cause: an option, an image, an objective, a model file or the
/// geometry inside it. Its message is one line that names the thing and what was expected; the command
/// line prints it as it is and exits 2. Any other exception is a bug in DeepVis.
/// </summary>
public abstract class DeepVisException : Exception
{
    protected DeepVisException(string message) : base(message) { }

    protected DeepVisException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A setting out of its range or an option that does not parse (library callers and CLI alike).</summary>
public sealed class SettingsException(string message) : DeepVisException(message);

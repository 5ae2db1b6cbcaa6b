return AotNet.Hosting.ModelApp.Run<WineNet>(args);

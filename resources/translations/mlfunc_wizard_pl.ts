<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pl_PL" sourcelanguage="en">
<context>
    <name>StartPage</name>
    <message>
        <source>Start</source>
        <translation>Początek</translation>
    </message>
    <message>
        <source>Deploy a model behind a Redis inference cache — on this computer or on Azure.</source>
        <translation>Wdróż model za pamięcią podręczną Redis dla wnioskowania — na tym komputerze lub w Azure.</translation>
    </message>
    <message>
        <source>Ne&amp;w deployment (starts from the sample digits model)</source>
        <translation>&amp;Nowe wdrożenie (zaczyna od przykładowego modelu cyfr)</translation>
    </message>
    <message>
        <source>&amp;Open a saved profile…</source>
        <translation>&amp;Otwórz zapisany profil…</translation>
    </message>
    <message>
        <source>R&amp;eopen an existing deployment (test it or clean it up)</source>
        <translation>Otwórz &amp;ponownie istniejące wdrożenie (przetestuj je lub usuń)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Przeglądaj…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Odśwież</translation>
    </message>
    <message>
        <source>Resume / re&amp;try</source>
        <translation>Kon&amp;tynuuj / ponów</translation>
    </message>
    <message>
        <source>Test &amp;it</source>
        <translation>Przetestu&amp;j</translation>
    </message>
    <message>
        <source>C&amp;lean up…</source>
        <translation>Usuń za&amp;soby…</translation>
    </message>
    <message>
        <source>Forget the recor&amp;d…</source>
        <translation>Zapo&amp;mnij wpis…</translation>
    </message>
    <message>
        <source>What do you want to do?</source>
        <translation>Co chcesz zrobić?</translation>
    </message>
    <message>
        <source>This &amp;computer (no account needed: real Redis and a local functions host)</source>
        <translation>Ten &amp;komputer (bez konta: prawdziwy Redis i lokalny host funkcji)</translation>
    </message>
    <message>
        <source>&amp;Azure (needs an Azure subscription)</source>
        <translation>&amp;Azure (wymaga subskrypcji Azure)</translation>
    </message>
    <message>
        <source>Create a new resource group</source>
        <translation>Utwórz nową grupę zasobów</translation>
    </message>
    <message>
        <source>Where should it run?</source>
        <translation>Gdzie ma działać?</translation>
    </message>
    <message>
        <source>Deployment na&amp;me:</source>
        <translation>Nazwa wd&amp;rożenia:</translation>
    </message>
    <message>
        <source>&amp;Resource group:</source>
        <translation>&amp;Grupa zasobów:</translation>
    </message>
    <message>
        <source>&amp;Sign in to Azure…</source>
        <translation>Za&amp;loguj się do Azure…</translation>
    </message>
    <message>
        <source>Not signed in.</source>
        <translation>Nie zalogowano.</translation>
    </message>
    <message>
        <source>(sign in to list resource groups)</source>
        <translation>(zaloguj się, aby wyświetlić grupy zasobów)</translation>
    </message>
    <message>
        <source>Azure account</source>
        <translation>Konto Azure</translation>
    </message>
    <message>
        <source>S&amp;ubscription:</source>
        <translation>Su&amp;bskrypcja:</translation>
    </message>
    <message>
        <source>Re&amp;gion:</source>
        <translation>R&amp;egion:</translation>
    </message>
    <message>
        <source>Use an e&amp;xisting group:</source>
        <translation>&amp;Użyj istniejącej grupy:</translation>
    </message>
    <message>
        <source>Dis&amp;play language:</source>
        <translation>Język &amp;interfejsu:</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Język systemu</translation>
    </message>
</context>
<context>
    <name>BasicsPage</name>
    <message>
        <source>Basics</source>
        <translation>Podstawy</translation>
    </message>
    <message>
        <source>Choose the Redis service, name the cache and pick its size.</source>
        <translation>Wybierz usługę Redis, nazwij pamięć podręczną i wybierz jej rozmiar.</translation>
    </message>
    <message>
        <source>Azure &amp;Managed Redis (recommended)</source>
        <translation>Azure &amp;Managed Redis (zalecane)</translation>
    </message>
    <message>
        <source>Azure &amp;Cache for Redis (Basic, Standard, Premium)</source>
        <translation>Azure &amp;Cache for Redis (Podstawowa, Standardowa, Premium)</translation>
    </message>
    <message>
        <source>Azure Cache for Redis (Basic, Standard and Premium) retires on %1; new subscriptions may already be refused. Azure Managed Redis is its successor and is recommended.</source>
        <translation>Usługa Azure Cache for Redis (Podstawowa, Standardowa i Premium) zostanie wycofana %1; nowe subskrypcje mogą już być odrzucane. Jej następcą jest zalecana usługa Azure Managed Redis.</translation>
    </message>
    <message>
        <source>Memory for cached answers. Larger sizes cost proportionally more; a cache that is too small evicts answers and sends more requests to the model.</source>
        <translation>Pamięć na zapisane odpowiedzi. Większe rozmiary kosztują proporcjonalnie więcej; zbyt mała pamięć podręczna usuwa odpowiedzi i wysyła więcej żądań do modelu.</translation>
    </message>
    <message>
        <source>A replica in another zone keeps the cache up when a node fails; it doubles the price.</source>
        <translation>Replika w innej strefie utrzymuje pamięć podręczną, gdy węzeł ulegnie awarii; podwaja cenę.</translation>
    </message>
    <message>
        <source>&amp;High availability (a replica in another zone)</source>
        <translation>Wysoka dostęp&amp;ność (replika w innej strefie)</translation>
    </message>
    <message>
        <source>On this computer the cache is a real redis-server with the same settings (TLS, clustering, persistence); the size is not enforced.</source>
        <translation>Na tym komputerze pamięć podręczna to prawdziwy redis-server z tymi samymi ustawieniami (TLS, klastrowanie, trwałość); rozmiar nie jest wymuszany.</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Usługa</translation>
    </message>
    <message>
        <source>Instance details</source>
        <translation>Szczegóły wystąpienia</translation>
    </message>
    <message>
        <source>Cache n&amp;ame:</source>
        <translation>Nazw&amp;a pamięci podręcznej:</translation>
    </message>
    <message>
        <source>&amp;Tier:</source>
        <translation>Wars&amp;twa:</translation>
    </message>
    <message>
        <source>Si&amp;ze:</source>
        <translation>&amp;Rozmiar:</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>Pamięć:</translation>
    </message>
    <message>
        <source>Balanced (memory + compute)</source>
        <translation>Zrównoważona (pamięć + obliczenia)</translation>
    </message>
    <message>
        <source>Memory Optimized</source>
        <translation>Zoptymalizowana pod kątem pamięci</translation>
    </message>
    <message>
        <source>Compute Optimized</source>
        <translation>Zoptymalizowana pod kątem obliczeń</translation>
    </message>
    <message>
        <source>Flash Optimized</source>
        <translation>Zoptymalizowana pod kątem pamięci flash</translation>
    </message>
    <message>
        <source>Memory and compute in balance: the usual choice for a model cache; priced by memory size.</source>
        <translation>Pamięć i moc obliczeniowa w równowadze: zwykły wybór dla pamięci podręcznej modelu; cena zależy od rozmiaru pamięci.</translation>
    </message>
    <message>
        <source>More memory per vCPU: cheaper per GB for large caches, fewer operations per second.</source>
        <translation>Więcej pamięci na vCPU: taniej za GB przy dużych pamięciach podręcznych, mniej operacji na sekundę.</translation>
    </message>
    <message>
        <source>More vCPUs per GB: the highest throughput, the highest price per GB.</source>
        <translation>Więcej vCPU na GB: największa przepustowość i najwyższa cena za GB.</translation>
    </message>
    <message>
        <source>Keeps cold keys on NVMe flash: the cheapest per GB for very large caches, slower for those keys.</source>
        <translation>Rzadko używane klucze trzyma na dyskach NVMe flash: najtaniej za GB przy bardzo dużych pamięciach podręcznych, wolniej dla tych kluczy.</translation>
    </message>
    <message>
        <source>A primary and a replica with a 99.9% SLA: about twice the Basic price; survives a node restart.</source>
        <translation>Węzeł podstawowy i replika z umową SLA 99,9%: mniej więcej dwa razy drożej niż Podstawowa; przetrwa restart węzła.</translation>
    </message>
    <message>
        <source>One node, no replica and no SLA: the cheapest, for development; a restart or patch empties the cache.</source>
        <translation>Jeden węzeł, bez repliki i bez umowy SLA: najtaniej, do prac deweloperskich; restart lub aktualizacja opróżnia pamięć podręczną.</translation>
    </message>
    <message>
        <source>Faster hardware with clustering, zones, persistence and private networks; several times the Standard price.</source>
        <translation>Szybszy sprzęt z klastrowaniem, strefami, trwałością i sieciami prywatnymi; kilka razy drożej niż Standardowa.</translation>
    </message>
    <message>
        <source>Sign in on the Start page to check that this name is free on Azure.</source>
        <translation>Zaloguj się na stronie Początek, aby sprawdzić, czy ta nazwa jest wolna w Azure.</translation>
    </message>
    <message>
        <source>Checking the name…</source>
        <translation>Sprawdzanie nazwy…</translation>
    </message>
</context>
<context>
    <name>NetworkingPage</name>
    <message>
        <source>Networking</source>
        <translation>Sieć</translation>
    </message>
    <message>
        <source>How clients reach the cache.</source>
        <translation>Jak klienci łączą się z pamięcią podręczną.</translation>
    </message>
    <message>
        <source>&amp;Public endpoint (TLS, keys or Entra required)</source>
        <translation>Punkt końcowy &amp;publiczny (wymagany TLS, klucze lub Entra)</translation>
    </message>
    <message>
        <source>P&amp;rivate endpoint (reachable only from your virtual network)</source>
        <translation>Punkt końcowy p&amp;rywatny (dostępny tylko z Twojej sieci wirtualnej)</translation>
    </message>
    <message>
        <source>&amp;Virtual network injection (Premium only; Microsoft recommends private endpoints)</source>
        <translation>Wstrzykiwanie do sieci wirtua&amp;lnej (tylko Premium; Microsoft zaleca prywatne punkty końcowe)</translation>
    </message>
    <message>
        <source>/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/…</source>
        <translation>/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/…</translation>
    </message>
    <message>
        <source>On this computer the cache listens on 127.0.0.1 only, whatever you choose here; the choice matters on Azure.</source>
        <translation>Na tym komputerze pamięć podręczna nasłuchuje tylko na 127.0.0.1, niezależnie od tego wyboru; ma on znaczenie w Azure.</translation>
    </message>
    <message>
        <source>Connectivity method</source>
        <translation>Metoda łączności</translation>
    </message>
    <message>
        <source>&amp;Subnet:</source>
        <translation>Pod&amp;sieć:</translation>
    </message>
    <message>
        <source>Azure Managed Redis has no virtual network injection; use a private endpoint.</source>
        <translation>Azure Managed Redis nie obsługuje wstrzykiwania do sieci wirtualnej; użyj prywatnego punktu końcowego.</translation>
    </message>
    <message>
        <source>A subnet is needed only for a private endpoint or virtual network injection.</source>
        <translation>Podsieć jest potrzebna tylko dla prywatnego punktu końcowego lub wstrzykiwania do sieci wirtualnej.</translation>
    </message>
    <message>
        <source>Virtual network injection needs the Premium tier (choose it on Basics).</source>
        <translation>Wstrzykiwanie do sieci wirtualnej wymaga warstwy Premium (wybierz ją w kroku Podstawy).</translation>
    </message>
</context>
<context>
    <name>TagsPage</name>
    <message>
        <source>Tags</source>
        <translation>Tagi</translation>
    </message>
    <message>
        <source>Tags are name/value pairs that let you group resources and costs. They apply to every resource in the resource group.</source>
        <translation>Tagi to pary nazwa/wartość, które pozwalają grupować zasoby i koszty. Dotyczą każdego zasobu w grupie zasobów.</translation>
    </message>
    <message>
        <source>At most 50 tags. Names cannot contain &lt; &gt; % &amp; \ ? /</source>
        <translation>Najwyżej 50 tagów. Nazwy nie mogą zawierać &lt; &gt; % &amp; \ ? /</translation>
    </message>
</context>
<context>
    <name>TagTable</name>
    <message>
        <source>Name</source>
        <translation>Nazwa</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wartość</translation>
    </message>
    <message>
        <source>&amp;Add tag</source>
        <translation>Dod&amp;aj tag</translation>
    </message>
    <message>
        <source>&amp;Remove tag</source>
        <translation>U&amp;suń tag</translation>
    </message>
</context>
<context>
    <name>DeploymentWizard</name>
    <message>
        <source>mlfunc-wizard — deploy a model with a Redis inference cache</source>
        <translation>mlfunc-wizard — wdrażanie modelu z pamięcią podręczną Redis dla wnioskowania</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Niezapisane zmiany</translation>
    </message>
    <message>
        <source>The profile has changes that are not saved. Save them before closing?</source>
        <translation>Profil ma niezapisane zmiany. Zapisać je przed zamknięciem?</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Zapisz profil</translation>
    </message>
    <message>
        <source>Profiles (*.json)</source>
        <translation>Profile (*.json)</translation>
    </message>
</context>
</TS>

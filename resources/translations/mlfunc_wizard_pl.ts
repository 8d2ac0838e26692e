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
    <message>
        <source>%1 — Azure, resource group %2 in %3 — found by its tags (no record here)</source>
        <translation>%1 — Azure, grupa zasobów %2 w %3 — znalezione po tagach (brak wpisu na tym komputerze)</translation>
    </message>
    <message>
        <source>'%1' was found in Azure by its tags (resource group %2, subscription %3) but has no record on this computer: test it or clean it up here.</source>
        <translation>Wdrożenie „%1” znaleziono w Azure po tagach (grupa zasobów %2, subskrypcja %3), ale nie ma go w zapisach tego komputera: możesz je tu przetestować lub usunąć jego zasoby.</translation>
    </message>
    <message>
        <source>Signed in.</source>
        <translation>Zalogowano.</translation>
    </message>
    <message>
        <source>Signing in… (a browser window or a device code may appear)</source>
        <translation>Logowanie… (może pojawić się okno przeglądarki lub kod urządzenia)</translation>
    </message>
    <message>
        <source> %1 of %2 steps finished.</source>
        <translation> Ukończone kroki: %1 z %2.</translation>
    </message>
    <message>
        <source> (subscription %1)</source>
        <translation> (subskrypcja %1)</translation>
    </message>
    <message>
        <source>'%1' %2 (resource group %3) is %4.</source>
        <translation>Wdrożenie „%1” %2 (grupa zasobów %3): %4.</translation>
    </message>
    <message>
        <source>Azure, resource group %1</source>
        <translation>Azure, grupa zasobów %1</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>Nie udało się otworzyć %1: %2</translation>
    </message>
    <message>
        <source>Forget '%1'? Only this computer's record is removed; what it created %2 stays in the resource group %3 until you delete it.</source>
        <translation>Zapomnieć wdrożenie „%1”? Usuwany jest tylko zapis na tym komputerze; to, co utworzono %2, zostaje w grupie zasobów %3, dopóki jej nie usuniesz.</translation>
    </message>
    <message>
        <source>Forget the record?</source>
        <translation>Zapomnieć zapis?</translation>
    </message>
    <message>
        <source>Forgot '%1'.</source>
        <translation>Zapomniano wdrożenie „%1”.</translation>
    </message>
    <message>
        <source>Forgot '%1'. Its resource group %2 on this computer stays until you delete it (`mlfunc-wizard destroy` with a profile of that group).</source>
        <translation>Zapomniano wdrożenie „%1”. Jego grupa zasobów %2 na tym komputerze zostaje, dopóki jej nie usuniesz (`mlfunc-wizard destroy` z profilem tej grupy).</translation>
    </message>
    <message>
        <source>Forgot '%1'. Its resource group %2%3 is still in Azure: delete it in the Azure portal (Resource groups → Delete) to stop its costs.</source>
        <translation>Zapomniano wdrożenie „%1”. Jego grupa zasobów %2%3 nadal jest w Azure: usuń ją w portalu Azure (Grupy zasobów → Usuń), aby przestała generować koszty.</translation>
    </message>
    <message>
        <source>Looking for deployments…</source>
        <translation>Wyszukiwanie wdrożeń…</translation>
    </message>
    <message>
        <source>No deployments yet.</source>
        <translation>Nie ma jeszcze wdrożeń.</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>Otwarto %1</translation>
    </message>
    <message>
        <source>Removes only this computer's record; no sign-in needed. Resources it created stay until you delete their resource group.</source>
        <translation>Usuwa tylko zapis na tym komputerze; logowanie nie jest potrzebne. Utworzone zasoby zostają, dopóki nie usuniesz ich grupy zasobów.</translation>
    </message>
    <message>
        <source>Resume it (finished steps are kept) or clean it up.</source>
        <translation>Wznów je (ukończone kroki zostają zachowane) albo usuń jego zasoby.</translation>
    </message>
    <message>
        <source>Sign in to list the subscription's resource groups.</source>
        <translation>Zaloguj się, aby wyświetlić grupy zasobów subskrypcji.</translation>
    </message>
    <message>
        <source>Test it or clean it up.</source>
        <translation>Przetestuj je albo usuń jego zasoby.</translation>
    </message>
    <message>
        <source>Wait for it to finish.</source>
        <translation>Poczekaj, aż się zakończy.</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>anulowane</translation>
    </message>
    <message>
        <source>deployed</source>
        <translation>wdrożone</translation>
    </message>
    <message>
        <source>deployed and running</source>
        <translation>wdrożone i działa</translation>
    </message>
    <message>
        <source>deploying right now</source>
        <translation>właśnie trwa wdrażanie</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>nieudane</translation>
    </message>
    <message>
        <source>in Azure</source>
        <translation>w Azure</translation>
    </message>
    <message>
        <source>in an unknown state</source>
        <translation>stan nieznany</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>przerwane</translation>
    </message>
    <message>
        <source>interrupted (the program stopped while deploying)</source>
        <translation>przerwane (program zatrzymał się w trakcie wdrażania)</translation>
    </message>
    <message>
        <source>on Azure</source>
        <translation>w Azure</translation>
    </message>
    <message>
        <source>on this computer</source>
        <translation>na tym komputerze</translation>
    </message>
    <message>
        <source>running</source>
        <translation>w toku</translation>
    </message>
    <message>
        <source>this computer</source>
        <translation>ten komputer</translation>
    </message>
    <message>
        <source>Browse for a profile</source>
        <translation>Wybierz plik profilu</translation>
    </message>
    <message>
        <source>Clean up the chosen deployment</source>
        <translation>Usuń zasoby wybranego wdrożenia</translation>
    </message>
    <message>
        <source>Deployment name</source>
        <translation>Nazwa wdrożenia</translation>
    </message>
    <message>
        <source>Display language</source>
        <translation>Język interfejsu</translation>
    </message>
    <message>
        <source>Existing deployments</source>
        <translation>Istniejące wdrożenia</translation>
    </message>
    <message>
        <source>Existing resource groups</source>
        <translation>Istniejące grupy zasobów</translation>
    </message>
    <message>
        <source>Forget the chosen deployment's record (its resources stay)</source>
        <translation>Zapomnij zapis wybranego wdrożenia (jego zasoby pozostaną)</translation>
    </message>
    <message>
        <source>New deployment</source>
        <translation>Nowe wdrożenie</translation>
    </message>
    <message>
        <source>Open a saved profile</source>
        <translation>Otwórz zapisany profil</translation>
    </message>
    <message>
        <source>Refresh the list of deployments</source>
        <translation>Odśwież listę wdrożeń</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>Reopen an existing deployment</source>
        <translation>Otwórz ponownie istniejące wdrożenie</translation>
    </message>
    <message>
        <source>Resource group name</source>
        <translation>Nazwa grupy zasobów</translation>
    </message>
    <message>
        <source>Resume or retry the chosen deployment</source>
        <translation>Wznów lub ponów wybrane wdrożenie</translation>
    </message>
    <message>
        <source>Sign in to Azure</source>
        <translation>Zaloguj się do Azure</translation>
    </message>
    <message>
        <source>State of the chosen deployment</source>
        <translation>Stan wybranego wdrożenia</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>Subskrypcja</translation>
    </message>
    <message>
        <source>Target: Azure</source>
        <translation>Miejsce docelowe: Azure</translation>
    </message>
    <message>
        <source>Target: this computer</source>
        <translation>Miejsce docelowe: ten komputer</translation>
    </message>
    <message>
        <source>Test the chosen deployment</source>
        <translation>Przetestuj wybrane wdrożenie</translation>
    </message>
    <message>
        <source>Open a profile</source>
        <translation>Otwórz profil</translation>
    </message>
    <message>
        <source>Profiles (*.json);;All files (*)</source>
        <translation>Profile (*.json);;Wszystkie pliki (*)</translation>
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
    <message>
        <source>Azure Cache for Redis sets replication by tier (Standard and Premium have a replica); this switch is for Azure Managed Redis.</source>
        <translation>Azure Cache for Redis ustala replikację według warstwy (Standard i Premium mają replikę); ten przełącznik dotyczy Azure Managed Redis.</translation>
    </message>
    <message>
        <source>About the chosen tier</source>
        <translation>O wybranej warstwie</translation>
    </message>
    <message>
        <source>Cache name</source>
        <translation>Nazwa pamięci podręcznej</translation>
    </message>
    <message>
        <source>High availability</source>
        <translation>Wysoka dostępność</translation>
    </message>
    <message>
        <source>Memory of the chosen size</source>
        <translation>Pamięć wybranego rozmiaru</translation>
    </message>
    <message>
        <source>Name availability</source>
        <translation>Dostępność nazwy</translation>
    </message>
    <message>
        <source>Service: Azure Cache for Redis</source>
        <translation>Usługa: Azure Cache for Redis</translation>
    </message>
    <message>
        <source>Service: Azure Managed Redis</source>
        <translation>Usługa: Azure Managed Redis</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Rozmiar</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>Warstwa</translation>
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
    <message>
        <source>Connectivity: private endpoint</source>
        <translation>Łączność: prywatny punkt końcowy</translation>
    </message>
    <message>
        <source>Connectivity: public endpoint</source>
        <translation>Łączność: publiczny punkt końcowy</translation>
    </message>
    <message>
        <source>Connectivity: virtual network</source>
        <translation>Łączność: sieć wirtualna</translation>
    </message>
    <message>
        <source>Subnet resource ID</source>
        <translation>Identyfikator zasobu podsieci</translation>
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
    <message>
        <source>The tag name '%1' is used twice; each name can appear once.</source>
        <translation>Nazwa tagu „%1” występuje dwa razy; każda nazwa może wystąpić tylko raz.</translation>
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
    <message>
        <source>Add tag</source>
        <translation>Dodaj tag</translation>
    </message>
    <message>
        <source>Remove selected tag</source>
        <translation>Usuń zaznaczony tag</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tagi</translation>
    </message>
    <message>
        <source>The tag name '%1' is used twice; each name can appear once.</source>
        <translation>Nazwa tagu „%1” występuje dwa razy; każda nazwa może wystąpić tylko raz.</translation>
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
    <message>
        <source>A deployment is running. Cancel it and close?

What was created so far is recorded: reopen the deployment from the Start page (or run `mlfunc-wizard deploy` with the same profile) to resume it, or clean it up.</source>
        <translation>Trwa wdrażanie. Anulować je i zamknąć?

To, co dotąd utworzono, jest zapisane: otwórz wdrożenie ponownie na stronie Początek (albo uruchom `mlfunc-wizard deploy` z tym samym profilem), aby je wznowić, albo usuń jego zasoby.</translation>
    </message>
    <message>
        <source>Clean-up in progress</source>
        <translation>Trwa usuwanie zasobów</translation>
    </message>
    <message>
        <source>Deployment in progress</source>
        <translation>Trwa wdrażanie</translation>
    </message>
    <message>
        <source>The resource group is being deleted. Stop and close? Some resources may remain; run the clean-up again later to finish.</source>
        <translation>Grupa zasobów jest właśnie usuwana. Zatrzymać i zamknąć? Część zasobów może zostać; uruchom usuwanie później ponownie, aby je dokończyć.</translation>
    </message>
</context>
<context>
    <name>AdvancedPage</name>
    <message>
        <source>Advanced</source>
        <translation>Zaawansowane</translation>
    </message>
    <message>
        <source>Security and data options. Options that do not apply to the chosen tier are disabled.</source>
        <translation>Opcje bezpieczeństwa i danych. Opcje, które nie dotyczą wybranej warstwy, są wyłączone.</translation>
    </message>
    <message>
        <source>Enable the n&amp;on-TLS port (6379)</source>
        <translation>Włącz p&amp;ort bez TLS (6379)</translation>
    </message>
    <message>
        <source>Traffic on the non-TLS port, keys included, is not encrypted. Leave it off unless a client cannot use TLS.</source>
        <translation>Ruch na porcie bez TLS, łącznie z kluczami, nie jest szyfrowany. Zostaw go wyłączonego, chyba że klient nie obsługuje TLS.</translation>
    </message>
    <message>
        <source>Microsoft &amp;Entra authentication</source>
        <translation>Uwierzytelnianie Microsoft &amp;Entra</translation>
    </message>
    <message>
        <source>Access &amp;keys</source>
        <translation>&amp;Klucze dostępu</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Zabezpieczenia</translation>
    </message>
    <message>
        <source>Minimum &amp;TLS version:</source>
        <translation>Minimalna wersja &amp;TLS:</translation>
    </message>
    <message>
        <source>Authentication:</source>
        <translation>Uwierzytelnianie:</translation>
    </message>
    <message>
        <source>&amp;Clustering</source>
        <translation>Kl&amp;astrowanie</translation>
    </message>
    <message>
        <source>Premium options (Azure Cache for Redis)</source>
        <translation>Opcje Premium (Azure Cache for Redis)</translation>
    </message>
    <message>
        <source>Only the Premium tier of Azure Cache for Redis has this option (choose it on Basics).</source>
        <translation>Tę opcję ma tylko warstwa Premium usługi Azure Cache for Redis (wybierz ją w kroku Podstawy).</translation>
    </message>
    <message>
        <source>Shards:</source>
        <translation>Fragmenty:</translation>
    </message>
    <message>
        <source>Clustering splits keys over shards: more memory and throughput, each shard billed as one cache.</source>
        <translation>Klastrowanie dzieli klucze między fragmenty: więcej pamięci i przepustowości, każdy fragment rozliczany jak osobna pamięć podręczna.</translation>
    </message>
    <message>
        <source>&amp;Replicas per primary:</source>
        <translation>&amp;Repliki na węzeł podstawowy:</translation>
    </message>
    <message>
        <source>Each extra replica adds a full copy of every shard (its cost too) and keeps reads going when a node fails.</source>
        <translation>Każda dodatkowa replika to pełna kopia każdego fragmentu (także jej koszt); odczyty działają dalej, gdy węzeł ulegnie awarii.</translation>
    </message>
    <message>
        <source>Availability zones:</source>
        <translation>Strefy dostępności:</translation>
    </message>
    <message>
        <source>Spreading nodes across zones survives a datacentre outage; traffic between zones may be billed.</source>
        <translation>Rozłożenie węzłów na strefy pozwala przetrwać awarię centrum danych; ruch między strefami może być płatny.</translation>
    </message>
    <message>
        <source>Data persistence (Premium and Azure Managed Redis)</source>
        <translation>Trwałość danych (Premium i Azure Managed Redis)</translation>
    </message>
    <message>
        <source>Data &amp;persistence:</source>
        <translation>Trwałość danyc&amp;h:</translation>
    </message>
    <message>
        <source>None loses the cache on a restart; RDB snapshots lose at most the interval; AOF loses about a second but writes more. Both store files in a storage account you pay for.</source>
        <translation>Brak: restart czyści pamięć podręczną; migawki RDB tracą najwyżej jeden interwał; AOF traci około sekundy, ale zapisuje więcej. Oba tryby zapisują pliki na koncie magazynu, za które płacisz.</translation>
    </message>
    <message>
        <source>RDB freq&amp;uency:</source>
        <translation>Częstotl&amp;iwość RDB:</translation>
    </message>
    <message>
        <source>Persistence writes the cache to a storage account in the same region; on this computer, to the cache's folder.</source>
        <translation>Trwałość zapisuje pamięć podręczną na koncie magazynu w tym samym regionie; na tym komputerze — w folderze pamięci podręcznej.</translation>
    </message>
    <message>
        <source>Azure Managed Redis options</source>
        <translation>Opcje Azure Managed Redis</translation>
    </message>
    <message>
        <source>Only Azure Managed Redis has this option.</source>
        <translation>Tę opcję ma tylko Azure Managed Redis.</translation>
    </message>
    <message>
        <source>C&amp;lustering policy:</source>
        <translation>Zasada k&amp;lastrowania:</translation>
    </message>
    <message>
        <source>E&amp;viction policy:</source>
        <translation>Zasada &amp;usuwania kluczy:</translation>
    </message>
    <message>
        <source>The clustering policy and modules cannot be changed after creation.</source>
        <translation>Zasady klastrowania i modułów nie można zmienić po utworzeniu.</translation>
    </message>
    <message>
        <source>Zone %1</source>
        <translation>Strefa %1</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Brak</translation>
    </message>
    <message>
        <source>RDB snapshots</source>
        <translation>Migawki RDB</translation>
    </message>
    <message>
        <source>AOF (append-only file)</source>
        <translation>AOF (plik tylko do dopisywania)</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 minut</translation>
    </message>
    <message>
        <source>30 minutes</source>
        <translation>30 minut</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 godzina</translation>
    </message>
    <message>
        <source>6 hours</source>
        <translation>6 godzin</translation>
    </message>
    <message>
        <source>12 hours</source>
        <translation>12 godzin</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 godziny</translation>
    </message>
    <message>
        <source>Enterprise (one endpoint, any client)</source>
        <translation>Enterprise (jeden punkt końcowy, dowolny klient)</translation>
    </message>
    <message>
        <source>OSS (cluster-aware clients, fastest)</source>
        <translation>OSS (klienci obsługujący klaster, najszybsze)</translation>
    </message>
    <message>
        <source>Turn on clustering to choose the number of shards.</source>
        <translation>Włącz klastrowanie, aby wybrać liczbę fragmentów.</translation>
    </message>
    <message>
        <source>Choose RDB persistence to set how often snapshots are taken.</source>
        <translation>Wybierz trwałość RDB, aby ustawić, jak często są robione migawki.</translation>
    </message>
    <message>
        <source>Microsoft Entra needs Azure; on this computer the cache uses a password (access key).</source>
        <translation>Microsoft Entra wymaga Azure; na tym komputerze pamięć podręczna używa hasła (klucza dostępu).</translation>
    </message>
    <message>
        <source>Authentication: Microsoft Entra</source>
        <translation>Uwierzytelnianie: Microsoft Entra</translation>
    </message>
    <message>
        <source>Authentication: access keys</source>
        <translation>Uwierzytelnianie: klucze dostępu</translation>
    </message>
    <message>
        <source>Clustering</source>
        <translation>Klastrowanie</translation>
    </message>
    <message>
        <source>Clustering policy</source>
        <translation>Zasada klastrowania</translation>
    </message>
    <message>
        <source>Data persistence</source>
        <translation>Trwałość danych</translation>
    </message>
    <message>
        <source>Eviction policy</source>
        <translation>Zasada usuwania kluczy</translation>
    </message>
    <message>
        <source>Minimum TLS version</source>
        <translation>Minimalna wersja TLS</translation>
    </message>
    <message>
        <source>Non-TLS port</source>
        <translation>Port bez TLS</translation>
    </message>
    <message>
        <source>RDB backup frequency</source>
        <translation>Częstotliwość kopii zapasowych RDB</translation>
    </message>
    <message>
        <source>Replicas per primary</source>
        <translation>Repliki na węzeł podstawowy</translation>
    </message>
    <message>
        <source>Shard count</source>
        <translation>Liczba fragmentów</translation>
    </message>
    <message>
        <source>Azure supports TLS 1.2 and later only.</source>
        <translation>Azure obsługuje tylko TLS 1.2 i nowsze.</translation>
    </message>
    <message>
        <source>Basic and Standard caches keep data in memory only; persistence needs Premium or Azure Managed Redis.</source>
        <translation>Pamięci podręczne Basic i Standard przechowują dane tylko w pamięci; trwałość wymaga warstwy Premium lub Azure Managed Redis.</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Review + create</source>
        <translation>Przegląd i tworzenie</translation>
    </message>
    <message>
        <source>Check the settings. Create starts the deployment; errors must be fixed first.</source>
        <translation>Sprawdź ustawienia. Przycisk Utwórz rozpoczyna wdrożenie; najpierw trzeba poprawić błędy.</translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation>&amp;Utwórz</translation>
    </message>
    <message>
        <source>&amp;Save profile…</source>
        <translation>Za&amp;pisz profil…</translation>
    </message>
    <message>
        <source>Estimating the monthly cost from Azure's list prices…</source>
        <translation>Szacowanie miesięcznego kosztu na podstawie cen katalogowych Azure…</translation>
    </message>
    <message>
        <source>✓ Validation passed.</source>
        <translation>✓ Walidacja zakończona powodzeniem.</translation>
    </message>
    <message>
        <source>✓ Validation passed with %1 warning(s).</source>
        <translation>✓ Walidacja zakończona powodzeniem; ostrzeżenia: %1.</translation>
    </message>
    <message>
        <source>✗ Validation failed: %1 error(s) to fix, %2 warning(s).</source>
        <translation>✗ Walidacja nie powiodła się: błędy do poprawienia: %1, ostrzeżenia: %2.</translation>
    </message>
    <message>
        <source>Comparing the profile with what is deployed…</source>
        <translation>Porównywanie profilu z tym, co jest wdrożone…</translation>
    </message>
    <message>
        <source>No preview: </source>
        <translation>Brak podglądu: </translation>
    </message>
    <message>
        <source>Replace resources?</source>
        <translation>Zastąpić zasoby?</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Edytuj</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Błąd</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Ostrzeżenie</translation>
    </message>
    <message>
        <source>(an estimate from Azure's public list prices of %1, before tax and discounts; storage, traffic and executions are extra)</source>
        <translation>(szacunek na podstawie publicznego cennika Azure z %1, bez podatków i rabatów; magazyn, ruch i wykonania są liczone osobno)</translation>
    </message>
    <message>
        <source>Cost estimate unavailable: %1</source>
        <translation>Szacunek kosztów jest niedostępny: %1</translation>
    </message>
    <message>
        <source>Could not save the profile to %1: %2. Choose a folder you can write to.</source>
        <translation>Nie udało się zapisać profilu w %1: %2. Wybierz folder z prawem zapisu.</translation>
    </message>
    <message>
        <source>Estimated monthly cost: %1</source>
        <translation>Szacowany koszt miesięczny: %1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Zapisano %1</translation>
    </message>
    <message>
        <source>Estimated monthly cost</source>
        <translation>Szacowany koszt miesięczny</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Zapisz profil</translation>
    </message>
    <message>
        <source>Save template for automation</source>
        <translation>Zapisz szablon do automatyzacji</translation>
    </message>
    <message>
        <source>Summary of the deployment</source>
        <translation>Podsumowanie wdrożenia</translation>
    </message>
    <message>
        <source>Validation status</source>
        <translation>Wynik walidacji</translation>
    </message>
    <message>
        <source>What Create will do</source>
        <translation>Co zrobi przycisk Utwórz</translation>
    </message>
    <message>
        <source>ARM template (*.json)</source>
        <translation>Szablon ARM (*.json)</translation>
    </message>
    <message>
        <source>Save &amp;template…</source>
        <translation>Zapisz &amp;szablon…</translation>
    </message>
    <message>
        <source>Save template</source>
        <translation>Zapisz szablon</translation>
    </message>
    <message>
        <source>Write an ARM template (azuredeploy.json) or an az script of the resources this deployment creates, for automation.</source>
        <translation>Zapisz szablon ARM (azuredeploy.json) albo skrypt az z zasobami, które tworzy to wdrożenie, do automatyzacji.</translation>
    </message>
    <message>
        <source>Writing the template…</source>
        <translation>Zapisywanie szablonu…</translation>
    </message>
    <message>
        <source>az script (*.sh)</source>
        <translation>Skrypt az (*.sh)</translation>
    </message>
    <message>
        <source>Profiles (*.json)</source>
        <translation>Profile (*.json)</translation>
    </message>
    <message>
        <source>on this computer</source>
        <translation>na tym komputerze</translation>
    </message>
    <message>
        <source>on Azure</source>
        <translation>w Azure</translation>
    </message>
    <message>
        <source>A deployment named '%1' already exists (%2, %3, resource group %4). Choose another deployment name on Start, or reopen that one from Start to resume or clean it up.</source>
        <translation>Wdrożenie o nazwie „%1” już istnieje (%2, %3, grupa zasobów %4). Wybierz inną nazwę wdrożenia na stronie Początek albo otwórz tamto wdrożenie ponownie na stronie Początek, aby je wznowić lub usunąć jego zasoby.</translation>
    </message>
    <message>
        <source>a setting</source>
        <translation>jedno z ustawień</translation>
    </message>
    <message>
        <source> It loses %1.</source>
        <translation> Tracisz przy tym: %1.</translation>
    </message>
    <message>
        <source>%1: changing %2 replaces it (delete and create).</source>
        <translation>%1: zmiana %2 wymaga zastąpienia (usunięcia i ponownego utworzenia).</translation>
    </message>
    <message>
        <source>Replace and continue?</source>
        <translation>Zastąpić i kontynuować?</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 na stronie %2</translation>
    </message>
</context>
<context>
    <name>DeployPage</name>
    <message>
        <source>Deploy</source>
        <translation>Wdrażanie</translation>
    </message>
    <message>
        <source>Creating the resources. Steps that do not depend on each other run at the same time.</source>
        <translation>Tworzenie zasobów. Kroki, które od siebie nie zależą, działają jednocześnie.</translation>
    </message>
    <message>
        <source>Waiting to start.</source>
        <translation>Oczekiwanie na start.</translation>
    </message>
    <message>
        <source>Cancel &amp;deployment</source>
        <translation>&amp;Anuluj wdrożenie</translation>
    </message>
    <message>
        <source>&amp;Retry / resume</source>
        <translation>&amp;Ponów / wznów</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>Planowanie…</translation>
    </message>
    <message>
        <source>The deployment could not be planned.</source>
        <translation>Nie udało się zaplanować wdrożenia.</translation>
    </message>
    <message>
        <source>Cancelled before anything was created.</source>
        <translation>Anulowano, zanim cokolwiek zostało utworzone.</translation>
    </message>
    <message>
        <source>Cancelled. What was created is recorded; Retry / resume continues from there, or go Back to Start and reopen it later.</source>
        <translation>Anulowano. To, co utworzono, jest zapisane; Ponów / wznów kontynuuje od tego miejsca. Możesz też przejść Wstecz do strony Początek i otworzyć wdrożenie ponownie później.</translation>
    </message>
    <message>
        <source>Cancelling… (the step that is running stops at its next safe point)</source>
        <translation>Anulowanie… (trwający krok zatrzyma się w najbliższym bezpiecznym miejscu)</translation>
    </message>
    <message>
        <source>✗ The deployment failed. Fix the cause, then Retry / resume.</source>
        <translation>✗ Wdrożenie nie powiodło się. Usuń przyczynę, a potem użyj Ponów / wznów.</translation>
    </message>
    <message>
        <source>✗ The deployment stopped with an error. Retry / resume continues from the last finished step.</source>
        <translation>✗ Wdrożenie zatrzymało się z błędem. Ponów / wznów kontynuuje od ostatniego ukończonego kroku.</translation>
    </message>
    <message>
        <source>Deploying '%1' (%2 steps)…</source>
        <translation>Wdrażanie „%1” (kroki: %2)…</translation>
    </message>
    <message>
        <source>The function answers at %1.</source>
        <translation>Funkcja odpowiada pod adresem %1.</translation>
    </message>
    <message>
        <source>✓ Deployed in %1 s. </source>
        <translation>✓ Wdrożono w %1 s. </translation>
    </message>
    <message>
        <source>Cancel deployment</source>
        <translation>Anuluj wdrożenie</translation>
    </message>
    <message>
        <source>Current task</source>
        <translation>Bieżące zadanie</translation>
    </message>
    <message>
        <source>Deployment status</source>
        <translation>Stan wdrożenia</translation>
    </message>
    <message>
        <source>Overall progress</source>
        <translation>Postęp całości</translation>
    </message>
    <message>
        <source>Progress of the current step</source>
        <translation>Postęp bieżącego kroku</translation>
    </message>
    <message>
        <source>Retry or resume the deployment</source>
        <translation>Ponów lub wznów wdrożenie</translation>
    </message>
    <message>
        <source>Runs the deployment again; steps that finished are skipped.</source>
        <translation>Uruchamia wdrożenie ponownie; ukończone kroki są pomijane.</translation>
    </message>
    <message>
        <source>The deployment failed.</source>
        <translation>Wdrożenie nie powiodło się.</translation>
    </message>
    <message>
        <source>— Retrying: steps that finished before are checked and skipped —</source>
        <translation>— Ponawianie: wcześniej ukończone kroki są sprawdzane i pomijane —</translation>
    </message>
</context>
<context>
    <name>TestPage</name>
    <message>
        <source>Sending…</source>
        <translation>Wysyłanie…</translation>
    </message>
    <message>
        <source>Sending %1 requests…</source>
        <translation>Wysyłanie %1 żądań…</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(brak)</translation>
    </message>
    <message>
        <source>Copied the curl command.</source>
        <translation>Skopiowano polecenie curl.</translation>
    </message>
    <message>
        <source>Copied the curl command (key masked; tick Reveal to copy it in full).</source>
        <translation>Skopiowano polecenie curl (klucz zamaskowany; zaznacz Pokaż, aby skopiować go w całości).</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Testowanie</translation>
    </message>
    <message>
        <source>A new input is computed by the model (MISS); the same input again comes from Redis (HIT). The smoke test already sent the sample, so change a number in each row to see a MISS.</source>
        <translation>Nowe dane wejściowe oblicza model (MISS); te same dane ponownie pochodzą z Redis (HIT). Test dymny wysłał już przykład, więc zmień liczbę w każdym wierszu, aby zobaczyć MISS.</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>Wy&amp;ślij</translation>
    </message>
    <message>
        <source>Send N &amp;times</source>
        <translation>Wyślij N &amp;razy</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Czas</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Stan</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Opóźnienie</translation>
    </message>
    <message>
        <source>X-Cache</source>
        <translation>X-Cache</translation>
    </message>
    <message>
        <source>Body</source>
        <translation>Treść</translation>
    </message>
    <message>
        <source>(looking up the endpoint…)</source>
        <translation>(wyszukiwanie punktu końcowego…)</translation>
    </message>
    <message>
        <source>Copy as c&amp;url</source>
        <translation>Kopiuj jako c&amp;url</translation>
    </message>
    <message>
        <source>C&amp;lean up…</source>
        <translation>Usuń za&amp;soby…</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>Punkt końcowy</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>Adres URL:</translation>
    </message>
    <message>
        <source>Key:</source>
        <translation>Klucz:</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Żądanie</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>Odpowiedź</translation>
    </message>
    <message>
        <source>Model version</source>
        <translation>Wersja modelu</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(nieznany)</translation>
    </message>
    <message>
        <source>%1 requests, %2 OK — p50 %3 ms, p95 %4 ms, cache hit ratio %5</source>
        <translation>Żądania: %1, poprawne: %2 — p50 %3 ms, p95 %4 ms, trafienia w pamięci podręcznej %5</translation>
    </message>
    <message>
        <source>The resource group %1 holds no function app, so there is nothing to test: go Back and clean it up.</source>
        <translation>Grupa zasobów %1 nie zawiera aplikacji funkcji, więc nie ma czego testować: przejdź Wstecz i usuń jej zasoby.</translation>
    </message>
    <message>
        <source>Clean up: delete the deployment</source>
        <translation>Usuń zasoby: usuń wdrożenie</translation>
    </message>
    <message>
        <source>Copy the request as a curl command</source>
        <translation>Skopiuj żądanie jako polecenie curl</translation>
    </message>
    <message>
        <source>Function URL</source>
        <translation>Adres URL funkcji</translation>
    </message>
    <message>
        <source>Function key</source>
        <translation>Klucz funkcji</translation>
    </message>
    <message>
        <source>HTTP status</source>
        <translation>Stan HTTP</translation>
    </message>
    <message>
        <source>Number of requests</source>
        <translation>Liczba żądań</translation>
    </message>
    <message>
        <source>Request body</source>
        <translation>Treść żądania</translation>
    </message>
    <message>
        <source>Request history</source>
        <translation>Historia żądań</translation>
    </message>
    <message>
        <source>Send request</source>
        <translation>Wyślij żądanie</translation>
    </message>
    <message>
        <source>Send the request N times</source>
        <translation>Wyślij żądanie N razy</translation>
    </message>
    <message>
        <source>Statistics of repeated requests</source>
        <translation>Statystyki powtarzanych żądań</translation>
    </message>
</context>
<context>
    <name>CleanupPage</name>
    <message>
        <source>Clean up</source>
        <translation>Usuwanie zasobów</translation>
    </message>
    <message>
        <source>Delete the resource group and everything in it. This cannot be undone.</source>
        <translation>Usuń grupę zasobów i wszystko, co zawiera. Tej operacji nie można cofnąć.</translation>
    </message>
    <message>
        <source>&amp;Delete resource group</source>
        <translation>&amp;Usuń grupę zasobów</translation>
    </message>
    <message>
        <source>For&amp;get the record only</source>
        <translation>Zapomnij &amp;tylko wpis</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Zatrzymaj</translation>
    </message>
    <message>
        <source>These resources will be deleted:</source>
        <translation>Te zasoby zostaną usunięte:</translation>
    </message>
    <message>
        <source>To confirm, type the resource group name &lt;b&gt;%1&lt;/b&gt;:</source>
        <translation>Aby potwierdzić, wpisz nazwę grupy zasobów &lt;b&gt;%1&lt;/b&gt;:</translation>
    </message>
    <message>
        <source>Listing…</source>
        <translation>Wyszukiwanie…</translation>
    </message>
    <message>
        <source>Deleted:</source>
        <translation>Usunięto:</translation>
    </message>
    <message>
        <source>Stopped. Some resources may remain; type the name and delete again to finish.</source>
        <translation>Zatrzymano. Część zasobów mogła zostać; wpisz nazwę i usuń ponownie, aby dokończyć.</translation>
    </message>
    <message>
        <source>Stopping after the current resource…</source>
        <translation>Zatrzymywanie po bieżącym zasobie…</translation>
    </message>
    <message>
        <source>✗ The clean-up did not finish.</source>
        <translation>✗ Usuwanie zasobów nie zostało ukończone.</translation>
    </message>
    <message>
        <source> in subscription %1</source>
        <translation> w subskrypcji %1</translation>
    </message>
    <message>
        <source>Deleting the resource group %1…</source>
        <translation>Usuwanie grupy zasobów %1…</translation>
    </message>
    <message>
        <source>Forgot '%1'. Its resource group %2 on this computer stays until you delete it.</source>
        <translation>Zapomniano wdrożenie „%1”. Jego grupa zasobów %2 na tym komputerze zostaje, dopóki jej nie usuniesz.</translation>
    </message>
    <message>
        <source>Forgot '%1'. Its resource group %2%3 still exists: delete it in the Azure portal (Resource groups → Delete) to stop its costs.</source>
        <translation>Zapomniano wdrożenie „%1”. Jego grupa zasobów %2%3 nadal istnieje: usuń ją w portalu Azure (Grupy zasobów → Usuń), aby przestała generować koszty.</translation>
    </message>
    <message>
        <source>✓ Done. The resource group %1 and everything in it are deleted; nothing of this deployment is left. Click Finish to close.</source>
        <translation>✓ Gotowe. Grupa zasobów %1 i wszystko, co zawierała, zostały usunięte; z tego wdrożenia nic nie zostało. Kliknij Zakończ, aby zamknąć.</translation>
    </message>
    <message>
        <source>Resource group %1</source>
        <translation>Grupa zasobów %1</translation>
    </message>
    <message>
        <source>(nothing inside it right now)</source>
        <translation>(obecnie nic w niej nie ma)</translation>
    </message>
    <message>
        <source>The deployment's record (journal and profile copy) in the data folder</source>
        <translation>Zapis wdrożenia (dziennik i kopia profilu) w folderze danych</translation>
    </message>
    <message>
        <source>Resource group %1 and everything in it</source>
        <translation>Grupa zasobów %1 i wszystko, co zawiera</translation>
    </message>
    <message>
        <source>The resources could not be listed; deleting still removes the whole resource group. </source>
        <translation>Nie udało się wyświetlić zasobów; usunięcie i tak usuwa całą grupę zasobów. </translation>
    </message>
    <message>
        <source>Clean-up log</source>
        <translation>Dziennik usuwania zasobów</translation>
    </message>
    <message>
        <source>Clean-up progress</source>
        <translation>Postęp usuwania zasobów</translation>
    </message>
    <message>
        <source>Clean-up status</source>
        <translation>Stan usuwania zasobów</translation>
    </message>
    <message>
        <source>Delete resource group</source>
        <translation>Usuń grupę zasobów</translation>
    </message>
    <message>
        <source>Forget the deployment's record without deleting its resources</source>
        <translation>Zapomnij zapis wdrożenia bez usuwania jego zasobów</translation>
    </message>
    <message>
        <source>Resources that will be deleted</source>
        <translation>Zasoby, które zostaną usunięte</translation>
    </message>
    <message>
        <source>Stop deleting</source>
        <translation>Przerwij usuwanie</translation>
    </message>
    <message>
        <source>Type the resource group name to confirm</source>
        <translation>Wpisz nazwę grupy zasobów, aby potwierdzić</translation>
    </message>
    <message>
        <source>No sign-in needed. Removes only this computer's record; delete the resource group yourself (for Azure: in the portal).</source>
        <translation>Nie trzeba się logować. Usuwa tylko zapis na tym komputerze; grupę zasobów usuń samodzielnie (w Azure: w portalu).</translation>
    </message>
    <message>
        <source>Type %1 to enable deletion.</source>
        <translation>Wpisz %1, aby włączyć usuwanie.</translation>
    </message>
</context>
<context>
    <name>SecretLabel</name>
    <message>
        <source>Reveal</source>
        <translation>Pokaż</translation>
    </message>
    <message>
        <source>Shows the key in full. Anyone who sees it can call the function.</source>
        <translation>Pokazuje cały klucz. Każdy, kto go zobaczy, może wywołać funkcję.</translation>
    </message>
    <message>
        <source>(none: anonymous access)</source>
        <translation>(brak: dostęp anonimowy)</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Klucz</translation>
    </message>
    <message>
        <source>Reveal %1</source>
        <translation>Pokaż %1</translation>
    </message>
</context>
<context>
    <name>ModelFunctionPage</name>
    <message>
        <source>Model &amp; function</source>
        <translation>Model i funkcja</translation>
    </message>
    <message>
        <source>The model to serve, how the function is triggered and packaged, and how long answers stay cached.</source>
        <translation>Model do udostępnienia, sposób wyzwalania i pakowania funkcji oraz czas przechowywania odpowiedzi w pamięci podręcznej.</translation>
    </message>
    <message>
        <source>&amp;Sample model (scikit-learn digits, generated on this computer)</source>
        <translation>&amp;Przykładowy model (cyfry scikit-learn, generowany na tym komputerze)</translation>
    </message>
    <message>
        <source>Model f&amp;ile (.pkl / .joblib / .onnx …)</source>
        <translation>Pl&amp;ik modelu (.pkl / .joblib / .onnx …)</translation>
    </message>
    <message>
        <source>Azure &amp;ML workspace (registered model)</source>
        <translation>Obszar roboczy Azure &amp;ML (zarejestrowany model)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Przeglądaj…</translation>
    </message>
    <message>
        <source>List mo&amp;dels</source>
        <translation>Poka&amp;ż modele</translation>
    </message>
    <message>
        <source>optional: score.py with init() and run(raw_data)</source>
        <translation>opcjonalnie: score.py z init() i run(raw_data)</translation>
    </message>
    <message>
        <source>Sampl&amp;e:</source>
        <translation>Prz&amp;ykład:</translation>
    </message>
    <message>
        <source>Model file:</source>
        <translation>Plik modelu:</translation>
    </message>
    <message>
        <source>&amp;Workspace:</source>
        <translation>&amp;Obszar roboczy:</translation>
    </message>
    <message>
        <source>Workspace resource group:</source>
        <translation>Grupa zasobów obszaru roboczego:</translation>
    </message>
    <message>
        <source>M&amp;odel:</source>
        <translation>Mod&amp;el:</translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation>Wer&amp;sja:</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Źródło modelu</translation>
    </message>
    <message>
        <source>Entry script:</source>
        <translation>Skrypt wejściowy:</translation>
    </message>
    <message>
        <source>Sample input (sent by the smoke test and prefilled on the test page)</source>
        <translation>Przykładowe dane wejściowe (wysyłane przez test dymny i wstawiane na stronie testu)</translation>
    </message>
    <message>
        <source>input/{name}.json</source>
        <translation>input/{name}.json</translation>
    </message>
    <message>
        <source>output/{name}.json</source>
        <translation>output/{name}.json</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>Wyzwalacz</translation>
    </message>
    <message>
        <source>T&amp;rigger:</source>
        <translation>Wyzwal&amp;acz:</translation>
    </message>
    <message>
        <source>Authori&amp;zation level:</source>
        <translation>Poziom a&amp;utoryzacji:</translation>
    </message>
    <message>
        <source>Blob input path:</source>
        <translation>Ścieżka wejściowa obiektu blob:</translation>
    </message>
    <message>
        <source>Blob output path:</source>
        <translation>Ścieżka wyjściowa obiektu blob:</translation>
    </message>
    <message>
        <source>Input queue:</source>
        <translation>Kolejka wejściowa:</translation>
    </message>
    <message>
        <source>Output queue:</source>
        <translation>Kolejka wyjściowa:</translation>
    </message>
    <message>
        <source>Function app</source>
        <translation>Aplikacja funkcji</translation>
    </message>
    <message>
        <source>&amp;Packaging:</source>
        <translation>Pakowa&amp;nie:</translation>
    </message>
    <message>
        <source>Re&amp;gistry (ACR name):</source>
        <translation>Re&amp;jestr (nazwa ACR):</translation>
    </message>
    <message>
        <source>&amp;App name:</source>
        <translation>Nazwa apli&amp;kacji:</translation>
    </message>
    <message>
        <source>P&amp;lan:</source>
        <translation>Plan usługi App Servi&amp;ce:</translation>
    </message>
    <message>
        <source>Storage a&amp;ccount:</source>
        <translation>Konto ma&amp;gazynu:</translation>
    </message>
    <message>
        <source>P&amp;ython:</source>
        <translation>Wersja Pyt&amp;hona:</translation>
    </message>
    <message>
        <source>Inference cache</source>
        <translation>Pamięć podręczna wnioskowania</translation>
    </message>
    <message>
        <source>Cache &amp;TTL:</source>
        <translation>Czas życia (&amp;TTL):</translation>
    </message>
    <message>
        <source>&amp;Key prefix:</source>
        <translation>P&amp;refiks klucza:</translation>
    </message>
    <message>
        <source>Cache time&amp;out:</source>
        <translation>&amp;Limit czasu pamięci podręcznej:</translation>
    </message>
    <message>
        <source>When Redis does not answer within the timeout the function computes the answer itself (fails open).</source>
        <translation>Gdy Redis nie odpowie w wyznaczonym czasie, funkcja sama oblicza odpowiedź (działa dalej bez pamięci podręcznej).</translation>
    </message>
    <message>
        <source>Preparing the sample model…</source>
        <translation>Przygotowywanie przykładowego modelu…</translation>
    </message>
    <message>
        <source>Prefilled from the sample model; edit it to send something else.</source>
        <translation>Wstawiono z przykładowego modelu; zmień, aby wysłać coś innego.</translation>
    </message>
    <message>
        <source>Blob storage</source>
        <translation>Magazyn obiektów blob</translation>
    </message>
    <message>
        <source>Service Bus queue</source>
        <translation>Kolejka Service Bus</translation>
    </message>
    <message>
        <source>Function key</source>
        <translation>Klucz funkcji</translation>
    </message>
    <message>
        <source>Anonymous</source>
        <translation>Anonimowy</translation>
    </message>
    <message>
        <source>Admin (master key)</source>
        <translation>Administrator (klucz główny)</translation>
    </message>
    <message>
        <source>Run the app folder directly (this computer)</source>
        <translation>Uruchom folder aplikacji bezpośrednio (ten komputer)</translation>
    </message>
    <message>
        <source>Build the image in Azure Container Registry</source>
        <translation>Zbuduj obraz w Azure Container Registry</translation>
    </message>
    <message>
        <source>Azure ML package (SDK v1, retired 2026-06-30)</source>
        <translation>Pakiet Azure ML (SDK v1, wycofany 2026-06-30)</translation>
    </message>
    <message>
        <source>Build with Docker here, push to ACR</source>
        <translation>Zbuduj za pomocą Dockera tutaj, wypchnij do ACR</translation>
    </message>
    <message>
        <source>Basic, dedicated</source>
        <translation>Podstawowy, dedykowany</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>Standardowy</translation>
    </message>
    <message>
        <source>Premium v3</source>
        <translation>Premium v3</translation>
    </message>
    <message>
        <source>Elastic Premium</source>
        <translation>Elastic Premium</translation>
    </message>
    <message>
        <source>digits (small, fast)</source>
        <translation>digits (mały, szybki)</translation>
    </message>
    <message>
        <source>digits-heavy (slow model: shows the cache's effect)</source>
        <translation>digits-heavy (wolny model: pokazuje działanie pamięci podręcznej)</translation>
    </message>
    <message>
        <source>Listing the workspace's models…</source>
        <translation>Wyszukiwanie modeli w obszarze roboczym…</translation>
    </message>
    <message>
        <source>Sign in to Azure on the Start page first.</source>
        <translation>Najpierw zaloguj się do Azure na stronie Początek.</translation>
    </message>
    <message>
        <source>Type an example input: the smoke test sends it after the deployment.</source>
        <translation>Wpisz przykładowe dane wejściowe: test dymny wyśle je po wdrożeniu.</translation>
    </message>
    <message>
        <source>%1 (not for this target)</source>
        <translation>%1 (niedostępne dla wybranego miejsca działania)</translation>
    </message>
    <message>
        <source>%1 models found.</source>
        <translation>Znalezione modele: %1.</translation>
    </message>
    <message>
        <source>The sample input could not be prepared: %1</source>
        <translation>Nie udało się przygotować przykładowych danych wejściowych: %1</translation>
    </message>
    <message>
        <source>The workspace has no registered models.</source>
        <translation>Obszar roboczy nie ma zarejestrowanych modeli.</translation>
    </message>
    <message>
        <source>A registry is needed only when an image is built (ACR build or Docker).</source>
        <translation>Rejestr jest potrzebny tylko wtedy, gdy budowany jest obraz (kompilacja w ACR lub Docker).</translation>
    </message>
    <message>
        <source>An Azure ML workspace needs the Azure target (choose it on Start).</source>
        <translation>Obszar roboczy Azure ML wymaga wdrożenia w Azure (wybierz je na stronie Początek).</translation>
    </message>
    <message>
        <source>On this computer the function runs in the local functions host with this Python.</source>
        <translation>Na tym komputerze funkcja działa w lokalnym hoście funkcji z tym Pythonem.</translation>
    </message>
    <message>
        <source>Only an HTTP trigger has an authorization level.</source>
        <translation>Poziom autoryzacji ma tylko wyzwalacz HTTP.</translation>
    </message>
    <message>
        <source>Sign in to Azure on the Start page to list models.</source>
        <translation>Zaloguj się do Azure na stronie Początek, aby wyświetlić modele.</translation>
    </message>
    <message>
        <source>Used only with the Blob storage trigger.</source>
        <translation>Używane tylko z wyzwalaczem Blob Storage.</translation>
    </message>
    <message>
        <source>Used only with the Service Bus queue trigger.</source>
        <translation>Używane tylko z wyzwalaczem kolejki Service Bus.</translation>
    </message>
    <message>
        <source>App Service plan</source>
        <translation>Plan usługi App Service</translation>
    </message>
    <message>
        <source>Azure ML model</source>
        <translation>Model Azure ML</translation>
    </message>
    <message>
        <source>Azure ML model version</source>
        <translation>Wersja modelu Azure ML</translation>
    </message>
    <message>
        <source>Azure ML resource group</source>
        <translation>Grupa zasobów Azure ML</translation>
    </message>
    <message>
        <source>Azure ML workspace</source>
        <translation>Obszar roboczy Azure ML</translation>
    </message>
    <message>
        <source>Blob input path</source>
        <translation>Ścieżka wejściowa obiektu blob</translation>
    </message>
    <message>
        <source>Blob output path</source>
        <translation>Ścieżka wyjściowa obiektu blob</translation>
    </message>
    <message>
        <source>Browse for the entry script</source>
        <translation>Wybierz skrypt wejściowy</translation>
    </message>
    <message>
        <source>Browse for the model file</source>
        <translation>Wybierz plik modelu</translation>
    </message>
    <message>
        <source>Cache TTL in seconds</source>
        <translation>Czas życia w pamięci podręcznej w sekundach</translation>
    </message>
    <message>
        <source>Cache key prefix</source>
        <translation>Prefiks kluczy pamięci podręcznej</translation>
    </message>
    <message>
        <source>Cache timeout in milliseconds</source>
        <translation>Limit czasu pamięci podręcznej w milisekundach</translation>
    </message>
    <message>
        <source>Container registry name</source>
        <translation>Nazwa rejestru kontenerów</translation>
    </message>
    <message>
        <source>Entry script</source>
        <translation>Skrypt wejściowy</translation>
    </message>
    <message>
        <source>Function app name</source>
        <translation>Nazwa aplikacji funkcji</translation>
    </message>
    <message>
        <source>HTTP authorization level</source>
        <translation>Poziom autoryzacji HTTP</translation>
    </message>
    <message>
        <source>Input queue</source>
        <translation>Kolejka wejściowa</translation>
    </message>
    <message>
        <source>List the workspace's models</source>
        <translation>Wyświetl modele obszaru roboczego</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>Plik modelu</translation>
    </message>
    <message>
        <source>Model source: Azure ML</source>
        <translation>Źródło modelu: Azure ML</translation>
    </message>
    <message>
        <source>Model source: file</source>
        <translation>Źródło modelu: plik</translation>
    </message>
    <message>
        <source>Model source: sample</source>
        <translation>Źródło modelu: przykład</translation>
    </message>
    <message>
        <source>Output queue</source>
        <translation>Kolejka wyjściowa</translation>
    </message>
    <message>
        <source>Packaging route</source>
        <translation>Sposób pakowania</translation>
    </message>
    <message>
        <source>Python version</source>
        <translation>Wersja Pythona</translation>
    </message>
    <message>
        <source>Sample input</source>
        <translation>Przykładowe dane wejściowe</translation>
    </message>
    <message>
        <source>Sample model</source>
        <translation>Przykładowy model</translation>
    </message>
    <message>
        <source>Storage account name</source>
        <translation>Nazwa konta magazynu</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Wybierz plik</translation>
    </message>
    <message>
        <source>Models (*.pkl *.joblib *.onnx *.pt);;All files (*)</source>
        <translation>Modele (*.pkl *.joblib *.onnx *.pt);;Wszystkie pliki (*)</translation>
    </message>
    <message>
        <source>Python scripts (*.py)</source>
        <translation>Skrypty Pythona (*.py)</translation>
    </message>
</context>
<context>
    <name>ReviewSummary</name>
    <message>
        <source>App name</source>
        <translation>Nazwa aplikacji</translation>
    </message>
    <message>
        <source>Authorization level</source>
        <translation>Poziom autoryzacji</translation>
    </message>
    <message>
        <source>Create a new resource group</source>
        <translation>Utwórz nową grupę zasobów</translation>
    </message>
    <message>
        <source>Data persistence</source>
        <translation>Trwałość danych</translation>
    </message>
    <message>
        <source>Minimum TLS version</source>
        <translation>Minimalna wersja TLS</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>Plik modelu</translation>
    </message>
    <message>
        <source>RDB frequency</source>
        <translation>Częstotliwość RDB</translation>
    </message>
    <message>
        <source>Registry (ACR name)</source>
        <translation>Rejestr (nazwa ACR)</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Przykład</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>Warstwa</translation>
    </message>
    <message>
        <source>Where should it run?</source>
        <translation>Gdzie ma działać?</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Obszar roboczy</translation>
    </message>
    <message>
        <source>Azure ML workspace</source>
        <translation>Obszar roboczy Azure ML</translation>
    </message>
    <message>
        <source>Sample model</source>
        <translation>Przykładowy model</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>Ten komputer</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Początek</translation>
    </message>
    <message>
        <source>Basics</source>
        <translation>Podstawy</translation>
    </message>
    <message>
        <source>Networking</source>
        <translation>Sieć</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Zaawansowane</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tagi</translation>
    </message>
    <message>
        <source>Model &amp; function</source>
        <translation>Model i funkcja</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Inne</translation>
    </message>
    <message>
        <source>Deployment name</source>
        <translation>Nazwa wdrożenia</translation>
    </message>
    <message>
        <source>Runs on</source>
        <translation>Działa na</translation>
    </message>
    <message>
        <source>this computer</source>
        <translation>ten komputer</translation>
    </message>
    <message>
        <source>Resource group</source>
        <translation>Grupa zasobów</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>Subskrypcja</translation>
    </message>
    <message>
        <source>(not chosen)</source>
        <translation>(nie wybrano)</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Usługa</translation>
    </message>
    <message>
        <source>Cache name</source>
        <translation>Nazwa pamięci podręcznej</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Rozmiar</translation>
    </message>
    <message>
        <source>High availability</source>
        <translation>Wysoka dostępność</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>tak</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Connectivity</source>
        <translation>Łączność</translation>
    </message>
    <message>
        <source>Public endpoint</source>
        <translation>Publiczny punkt końcowy</translation>
    </message>
    <message>
        <source>Private endpoint</source>
        <translation>Prywatny punkt końcowy</translation>
    </message>
    <message>
        <source>Virtual network</source>
        <translation>Sieć wirtualna</translation>
    </message>
    <message>
        <source>Subnet</source>
        <translation>Podsieć</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(brak)</translation>
    </message>
    <message>
        <source>Non-TLS port</source>
        <translation>Port bez TLS</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>włączony</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>wyłączony</translation>
    </message>
    <message>
        <source>Minimum TLS</source>
        <translation>Minimalny TLS</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Uwierzytelnianie</translation>
    </message>
    <message>
        <source>Access keys</source>
        <translation>Klucze dostępu</translation>
    </message>
    <message>
        <source>Clustering</source>
        <translation>Klastrowanie</translation>
    </message>
    <message>
        <source>off</source>
        <translation>wyłączone</translation>
    </message>
    <message>
        <source>Replicas per primary</source>
        <translation>Repliki na węzeł podstawowy</translation>
    </message>
    <message>
        <source>Zones</source>
        <translation>Strefy</translation>
    </message>
    <message>
        <source>none</source>
        <translation>brak</translation>
    </message>
    <message>
        <source>Persistence</source>
        <translation>Trwałość</translation>
    </message>
    <message>
        <source>Clustering policy</source>
        <translation>Zasada klastrowania</translation>
    </message>
    <message>
        <source>Eviction policy</source>
        <translation>Zasada usuwania kluczy</translation>
    </message>
    <message>
        <source>Enterprise (one endpoint, any client)</source>
        <translation>Enterprise (jeden punkt końcowy, dowolny klient)</translation>
    </message>
    <message>
        <source>OSS (cluster-aware clients)</source>
        <translation>OSS (klienci obsługujący klaster)</translation>
    </message>
    <message>
        <source>Least recently used, keys with a TTL</source>
        <translation>Najdawniej używane, klucze z TTL</translation>
    </message>
    <message>
        <source>Least recently used, any key</source>
        <translation>Najdawniej używane, dowolny klucz</translation>
    </message>
    <message>
        <source>Least frequently used, any key</source>
        <translation>Najrzadziej używane, dowolny klucz</translation>
    </message>
    <message>
        <source>Least frequently used, keys with a TTL</source>
        <translation>Najrzadziej używane, klucze z TTL</translation>
    </message>
    <message>
        <source>Random, any key</source>
        <translation>Losowo, dowolny klucz</translation>
    </message>
    <message>
        <source>Random, keys with a TTL</source>
        <translation>Losowo, klucze z TTL</translation>
    </message>
    <message>
        <source>Shortest TTL first</source>
        <translation>Najpierw najkrótszy TTL</translation>
    </message>
    <message>
        <source>No eviction (writes fail when full)</source>
        <translation>Bez usuwania (zapisy zawodzą po zapełnieniu)</translation>
    </message>
    <message>
        <source>(no tags)</source>
        <translation>(brak tagów)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Źródło modelu</translation>
    </message>
    <message>
        <source>Entry script</source>
        <translation>Skrypt wejściowy</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>wygenerowany</translation>
    </message>
    <message>
        <source>Sample input</source>
        <translation>Przykładowe dane wejściowe</translation>
    </message>
    <message>
        <source>set</source>
        <translation>ustawione</translation>
    </message>
    <message>
        <source>from the sample model</source>
        <translation>z przykładowego modelu</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>Wyzwalacz</translation>
    </message>
    <message>
        <source>Packaging</source>
        <translation>Pakowanie</translation>
    </message>
    <message>
        <source>Run the app folder directly</source>
        <translation>Uruchom folder aplikacji bezpośrednio</translation>
    </message>
    <message>
        <source>Build the image in Azure Container Registry</source>
        <translation>Zbuduj obraz w Azure Container Registry</translation>
    </message>
    <message>
        <source>Azure ML package</source>
        <translation>Pakiet Azure ML</translation>
    </message>
    <message>
        <source>Build with Docker here</source>
        <translation>Zbuduj za pomocą Dockera tutaj</translation>
    </message>
    <message>
        <source>Function app</source>
        <translation>Aplikacja funkcji</translation>
    </message>
    <message>
        <source>Storage account</source>
        <translation>Konto magazynu</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan usługi App Service</translation>
    </message>
    <message>
        <source>Python</source>
        <translation>Wersja Pythona</translation>
    </message>
    <message>
        <source>Cache TTL</source>
        <translation>Czas życia w pamięci podręcznej</translation>
    </message>
    <message>
        <source>Key prefix</source>
        <translation>Prefiks klucza</translation>
    </message>
    <message>
        <source>Cache timeout</source>
        <translation>Limit czasu pamięci podręcznej</translation>
    </message>
    <message>
        <source>Tag '%1'</source>
        <translation>Tag „%1”</translation>
    </message>
    <message>
        <source>%1 (new)</source>
        <translation>%1 (nowa)</translation>
    </message>
    <message>
        <source>%1 (existing)</source>
        <translation>%1 (istniejąca)</translation>
    </message>
    <message>
        <source>%1 shards</source>
        <translation>fragmenty: %1</translation>
    </message>
    <message>
        <source>%1 every %2 min</source>
        <translation>%1 co %2 min</translation>
    </message>
    <message>
        <source>sample '%1'</source>
        <translation>przykład „%1”</translation>
    </message>
    <message>
        <source>file %1</source>
        <translation>plik %1</translation>
    </message>
    <message>
        <source>function key</source>
        <translation>klucz funkcji</translation>
    </message>
    <message>
        <source>admin key</source>
        <translation>klucz administratora</translation>
    </message>
    <message>
        <source>anonymous key</source>
        <translation>bez klucza (anonimowo)</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>Logs</source>
        <translation>Dziennik</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Śledź</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Zatrzymaj</translation>
    </message>
    <message>
        <source>Follow the function app's log live (like `mlfunc-wizard logs`)</source>
        <translation>Śledź dziennik aplikacji funkcji na żywo (jak `mlfunc-wizard logs`)</translation>
    </message>
    <message>
        <source>Not following the log.</source>
        <translation>Dziennik nie jest śledzony.</translation>
    </message>
    <message>
        <source>Following the log of {name}…</source>
        <translation>Śledzenie dziennika {name}…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Zatrzymywanie…</translation>
    </message>
    <message>
        <source>The log stream ended.</source>
        <translation>Strumień dziennika się zakończył.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Zatrzymano.</translation>
    </message>
    <message>
        <source>Function app log</source>
        <translation>Dziennik aplikacji funkcji</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <source>Show details</source>
        <translation>Pokaż szczegóły</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>Ukryj szczegóły</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Błąd</translation>
    </message>
    <message>
        <source>Error details</source>
        <translation>Szczegóły błędu</translation>
    </message>
    <message>
        <source>Show error details</source>
        <translation>Pokaż szczegóły błędu</translation>
    </message>
</context>
<context>
    <name>PackagingChoices</name>
    <message>
        <source>Run the app folder in a local functions host (a Python environment, no image)</source>
        <translation>Uruchom folder aplikacji w lokalnym hoście funkcji (środowisko Pythona, bez obrazu)</translation>
    </message>
    <message>
        <source>Build a container image with Docker here and run it as a container</source>
        <translation>Zbuduj obraz kontenera za pomocą Dockera tutaj i uruchom go jako kontener</translation>
    </message>
    <message>
        <source>Build the image in Azure Container Registry (ACR Tasks; no Docker needed here)</source>
        <translation>Zbuduj obraz w Azure Container Registry (ACR Tasks; Docker nie jest tu potrzebny)</translation>
    </message>
    <message>
        <source>Build the image with Docker here and push it to the registry (or use an image you pushed: give its full reference)</source>
        <translation>Zbuduj obraz za pomocą Dockera tutaj i wypchnij go do rejestru (albo użyj obrazu, który już wypchnięto: podaj jego pełne odwołanie)</translation>
    </message>
    <message>
        <source>Package with Azure ML (SDK v1, out of support since 2026-06-30)</source>
        <translation>Spakuj za pomocą Azure ML (SDK v1, bez wsparcia od 2026-06-30)</translation>
    </message>
</context>
<context>
    <name>ProfilePage</name>
    <message>
        <source>'%1' is already taken on Azure; choose another name.</source>
        <translation>Nazwa „%1” jest już zajęta w Azure; wybierz inną.</translation>
    </message>
    <message>
        <source>Could not check the name on Azure (%1) It will be checked again when you create.</source>
        <translation>Nie udało się sprawdzić nazwy w Azure (%1). Zostanie sprawdzona ponownie przy tworzeniu.</translation>
    </message>
    <message>
        <source>✓ '%1' is available.</source>
        <translation>✓ Nazwa „%1” jest dostępna.</translation>
    </message>
    <message>
        <source>Checking the name…</source>
        <translation>Sprawdzanie nazwy…</translation>
    </message>
    <message>
        <source>Sign in on the Start page to check that this name is free on Azure.</source>
        <translation>Zaloguj się na stronie Początek, aby sprawdzić, czy ta nazwa jest wolna w Azure.</translation>
    </message>
    <message>
        <source>Problem with this field</source>
        <translation>Problem z tym polem</translation>
    </message>
</context>
<context>
    <name>ProblemList</name>
    <message>
        <source>Error</source>
        <translation>Błąd</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Ostrzeżenie</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Problemy</translation>
    </message>
</context>
<context>
    <name>StepList</name>
    <message>
        <source>Step</source>
        <translation>Krok</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Postęp</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Czas</translation>
    </message>
    <message>
        <source>Deployment steps</source>
        <translation>Kroki wdrożenia</translation>
    </message>
    <message>
        <source>Progress of %1</source>
        <translation>Postęp: %1</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>oczekuje</translation>
    </message>
    <message>
        <source>running</source>
        <translation>w toku</translation>
    </message>
    <message>
        <source>done</source>
        <translation>ukończony</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>pominięty</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>zablokowany</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>nieudany</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>anulowany</translation>
    </message>
    <message>
        <source>retrying</source>
        <translation>ponawianie</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Could not open %1: %2 The wizard starts with the sample profile instead.</source>
        <translation>Nie udało się otworzyć %1: %2 Kreator uruchomi się zamiast tego z przykładowym profilem.</translation>
    </message>
    <message>
        <source>Profile not opened</source>
        <translation>Nie otwarto profilu</translation>
    </message>
    <message>
        <source>mlfunc-wizard cannot start</source>
        <translation>Nie można uruchomić mlfunc-wizard</translation>
    </message>
</context>
<context>
    <name>BindingCheck</name>
    <message>
        <source>PySide6 %1 has a reference-counting bug on Python %2 that crashes the wizard after a while. Install a sound version with: pip install 'PySide6-Essentials&gt;=6.6,&lt;6.12' (or use Python 3.12 or newer).</source>
        <translation>PySide6 %1 ma w Pythonie %2 błąd zliczania referencji, przez który kreator po pewnym czasie się zawiesza. Zainstaluj sprawną wersję poleceniem: pip install 'PySide6-Essentials&gt;=6.6,&lt;6.12' (albo użyj Pythona 3.12 lub nowszego).</translation>
    </message>
</context>
<context>
    <name>JsonEditor</name>
    <message>
        <source>JSON input</source>
        <translation>Dane wejściowe JSON</translation>
    </message>
    <message>
        <source>The input is empty. Type the JSON to send, for example {"data": [[...]]}.</source>
        <translation>Dane wejściowe są puste. Wpisz JSON do wysłania, na przykład {"data": [[...]]}.</translation>
    </message>
    <message>
        <source>The input is not valid JSON: %1 at line %2, column %3.</source>
        <translation>Dane wejściowe nie są poprawnym JSON-em: %1 w wierszu %2, kolumnie %3.</translation>
    </message>
    <message>
        <source>Expecting value</source>
        <translation>oczekiwano wartości</translation>
    </message>
    <message>
        <source>Expecting property name enclosed in double quotes</source>
        <translation>oczekiwano nazwy właściwości w podwójnym cudzysłowie</translation>
    </message>
    <message>
        <source>Expecting ':' delimiter</source>
        <translation>oczekiwano dwukropka</translation>
    </message>
    <message>
        <source>Expecting ',' delimiter</source>
        <translation>oczekiwano przecinka</translation>
    </message>
    <message>
        <source>Unterminated string starting at</source>
        <translation>niezamknięty ciąg znaków</translation>
    </message>
    <message>
        <source>Invalid control character at</source>
        <translation>niedozwolony znak sterujący</translation>
    </message>
    <message>
        <source>Extra data</source>
        <translation>nadmiarowe dane po wartości</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>Deployment log</source>
        <translation>Dziennik wdrożenia</translation>
    </message>
    <message>
        <source>%1 lines were not shown: the view keeps the latest %2.</source>
        <translation>Nie pokazano wierszy: %1; widok przechowuje tylko ostatnie %2.</translation>
    </message>
    <message>
        <source>… %1 earlier lines not shown (the log view keeps the latest %2).</source>
        <translation>… nie pokazano wcześniejszych wierszy: %1 (widok dziennika przechowuje tylko ostatnie %2).</translation>
    </message>
</context>
<context>
    <name>ProfileModel</name>
    <message>
        <source>The profile could not be checked: %1.</source>
        <translation>Nie udało się sprawdzić profilu: %1.</translation>
    </message>
</context>
<context>
    <name>SkuCatalog</name>
    <message>
        <source>size unknown</source>
        <translation>rozmiar nieznany</translation>
    </message>
</context>
</TS>
